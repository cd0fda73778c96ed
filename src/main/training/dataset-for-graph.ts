import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { DatasetRef } from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import { pairImagesAndLabels, parseIdx } from '../datasets/idx'
import type { LoadedDataset } from '../datasets/types'
import { datasetMismatch } from '../../shared/training/dataset-mismatch'
import { preflight } from './preflight'

const FASHION = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]

function idxFolder(id: 'mnist' | 'fashion-mnist', dataDir: string): string | undefined {
  const candidates = [path.join(dataDir, 'datasets', id)]
  if (id === 'fashion-mnist') candidates.push('/usr/share/datasets/fashion-mnist')
  return candidates.find(
    (d) =>
      existsSync(path.join(d, 'train-images-idx3-ubyte.gz')) ||
      existsSync(path.join(d, 'train-images-idx3-ubyte')),
  )
}

function readIdx(dir: string, base: string) {
  const file = [base, `${base}.gz`].map((f) => path.join(dir, f)).find((f) => existsSync(f))
  if (!file) throw new Error(`${path.join(dir, base)}(.gz) is missing.`)
  return parseIdx(path.basename(file), readFileSync(file))
}

export async function loadDataset(ref: DatasetRef, dataDir: string): Promise<LoadedDataset> {
  if (!('builtin' in ref) || ref.builtin === 'cifar10')
    throw new Error(`Loading ${JSON.stringify(ref)} is not supported yet.`)
  const dir = idxFolder(ref.builtin, dataDir)
  if (!dir) throw new Error(`${ref.builtin} is not on this machine.`)
  const split = (prefix: string) =>
    pairImagesAndLabels(
      readIdx(dir, `${prefix}-images-idx3-ubyte`),
      readIdx(dir, `${prefix}-labels-idx1-ubyte`),
      [`${prefix}-images`, `${prefix}-labels`],
    )
  const train = split('train')
  const test = split('t10k')
  const hash = createHash('sha256')
  for (const s of [train, test]) hash.update(s.images).update(s.labels)
  return {
    id: ref.builtin,
    name: ref.builtin === 'mnist' ? 'MNIST' : 'Fashion-MNIST',
    classes: ref.builtin === 'mnist' ? [...'0123456789'] : FASHION,
    train,
    test,
    source: dir,
    contentHash: hash.digest('hex'),
    skipped: [],
  }
}

/**
 * Loads the dataset a run asked for, in the graph's Input size for image folders, and refuses one
 * that does not fit the graph (channels, size, classes) with the fix, before any model is built.
 */
export async function loadDatasetFor(
  document: GraphDocument,
  ref: DatasetRef,
  dataDir: string,
): Promise<LoadedDataset> {
  const graph = preflight(document)
  const ds = await loadDataset(ref, dataDir)
  const problems = datasetMismatch(graph, {
    name: ds.name,
    image: { height: ds.train.height, width: ds.train.width, channels: ds.train.channels },
    classes: ds.classes.length,
    resizable: 'folder' in ref,
  })
  if (problems.length) throw new Error(`${ds.name} does not fit this graph: ${problems.join(' ')}`)
  return ds
}
