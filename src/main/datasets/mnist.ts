import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { contentHash } from './hash'
import { DatasetFileError, pairImagesAndLabels, parseIdx } from './idx'
import type { ImageSet, LoadedDataset } from './types'

export const MNIST_CLASSES = [...'0123456789']

export const FASHION_MNIST_CLASSES = [
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

export type MnistVariant = 'mnist' | 'fashion-mnist'

const VARIANTS: Record<MnistVariant, { name: string; classes: string[] }> = {
  mnist: { name: 'MNIST', classes: MNIST_CLASSES },
  'fashion-mnist': { name: 'Fashion-MNIST', classes: FASHION_MNIST_CLASSES },
}

/** The four files of the distribution, without `.gz`, per split. */
export const MNIST_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const

/** The four files as they are published (gzipped). */
export const MNIST_GZ_FILES = [MNIST_FILES.train, MNIST_FILES.test].flatMap((s) => [
  `${s.images}.gz`,
  `${s.labels}.gz`,
])

/**
 * The names one of the four files may go by: as published (`.gz`), gunzipped, and with the dot
 * some re-distributions use (`train-images.idx3-ubyte`).
 */
function candidates(base: string): string[] {
  const dotted = base.replace(/-(idx\d)/, '.$1')
  return [`${base}.gz`, base, `${dotted}.gz`, dotted]
}

/** The path of one of the four files in `dir` (gzipped or not), if it is there. */
export function findIdxFile(dir: string, base: string): string | undefined {
  return candidates(base)
    .map((f) => path.join(dir, f))
    .find((f) => existsSync(f) && statSync(f).isFile())
}

/** Whether `dir` holds all four MNIST-format files (gzipped or not). */
export function hasMnistFiles(dir: string): boolean {
  return Object.values(MNIST_FILES).every((s) => findIdxFile(dir, s.images) && findIdxFile(dir, s.labels))
}

/** The files {@link loadMnist} reads from `dir`, as found there (for copying and size reports). */
export function mnistFilesIn(dir: string): string[] {
  return Object.values(MNIST_FILES)
    .flatMap((s) => [findIdxFile(dir, s.images), findIdxFile(dir, s.labels)])
    .filter((f): f is string => f !== undefined)
}

function readIdxFile(dir: string, base: string, variant: string) {
  const file = findIdxFile(dir, base)
  if (!file)
    throw new DatasetFileError(
      `${path.join(dir, `${base}.gz`)} is missing (looked for ${candidates(base).join(', ')}). ${variant} needs the four files ${MNIST_GZ_FILES.join(', ')} (gzipped or not) in one folder.`,
    )
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(readFileSync(file))
  } catch (e) {
    throw new DatasetFileError(`${file} cannot be read (${(e as Error).message}). Check its permissions.`)
  }
  return { file, array: parseIdx(file, bytes) }
}

function readSplit(dir: string, split: 'train' | 'test', variant: string, classes: number): ImageSet {
  const names = MNIST_FILES[split]
  const images = readIdxFile(dir, names.images, variant)
  const labels = readIdxFile(dir, names.labels, variant)
  const set = pairImagesAndLabels(images.array, labels.array, [images.file, labels.file])
  if (set.count === 0) throw new DatasetFileError(`${images.file} holds no images. Download the file again.`)
  const bad = set.labels.findIndex((l) => l >= classes)
  if (bad !== -1)
    throw new DatasetFileError(
      `${labels.file}: label ${set.labels[bad]} at position ${bad} is not a class of ${variant} (0 to ${classes - 1}). The file is damaged or belongs to another dataset.`,
    )
  return set
}

/**
 * Loads MNIST or Fashion-MNIST from a folder holding the four IDX files, gzipped or not. Every
 * problem (a missing, truncated or mismatched file, a label out of range) is a DatasetFileError
 * naming the file.
 */
export function loadMnist(dir: string, variant: MnistVariant = 'mnist'): LoadedDataset {
  const { name, classes } = VARIANTS[variant]
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new DatasetFileError(
      `${dir} is not a folder. Choose the folder holding ${MNIST_GZ_FILES.join(', ')}.`,
    )
  const train = readSplit(dir, 'train', name, classes.length)
  const test = readSplit(dir, 'test', name, classes.length)
  if (train.height !== test.height || train.width !== test.width)
    throw new DatasetFileError(
      `${dir}: the training images are ${train.height}×${train.width} but the test images ${test.height}×${test.width}; the files come from different datasets. Put the four files of one dataset in the folder.`,
    )
  return {
    id: variant,
    name,
    classes,
    train,
    test,
    source: dir,
    contentHash: contentHash({ train, test }),
    skipped: [],
  }
}
