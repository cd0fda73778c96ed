import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Worker } from 'node:worker_threads'
import type { DatasetRef } from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import type { DatasetRow } from '../db/datasets-repo'
import type { ImageSet } from '../datasets/types'
import type { TorchDatasetSource, TorchParts, TorchTensor } from './torch-parts'

/** What the dataset thread (dataset-worker.ts) is asked to load. */
export interface DatasetJob {
  document: GraphDocument
  dataset: DatasetRef
  dataDir: string
  /** Send the decoded images back (image folders). */
  withImages: boolean
}

export type DatasetLoaded =
  | { type: 'loaded'; row: DatasetRow; images: { train: ImageSet; test: ImageSet } | null }
  | { type: 'failed'; message: string }

/** The file an image folder's decoded images are written to, in the run's PyTorch folder. */
export const TENSORS_FILE = 'dataset.safetensors'

/** Loads the dataset in a thread of its own (`spawn`), which ends with the answer. */
export function loadInThread(job: DatasetJob, spawn: () => Worker): Promise<DatasetLoaded> {
  const worker = spawn()
  return new Promise<DatasetLoaded>((resolve) => {
    let settled = false
    const settle = (answer: DatasetLoaded) => {
      if (settled) return
      settled = true
      resolve(answer)
      void worker.terminate()
    }
    worker.once('message', settle)
    worker.once('error', (e) =>
      settle({ type: 'failed', message: `The dataset could not be loaded: ${e.message}` }),
    )
    worker.once('exit', (code) =>
      settle({ type: 'failed', message: `The dataset thread ended unexpectedly (exit code ${code}).` }),
    )
    worker.postMessage(job)
  })
}

/** An image set as the `tensors` dataset holds it: uint8 NHWC images and uint8 labels. */
const tensorsOf = (split: 'train' | 'test', s: ImageSet): TorchTensor[] => [
  { name: `${split}_images`, dtype: 'U8', shape: [s.count, s.height, s.width, s.channels], data: s.images },
  { name: `${split}_labels`, dtype: 'U8', shape: [s.count], data: s.labels },
]

/**
 * Where train.py reads the run's dataset: a built-in from its own files (IDX, CIFAR-10 batches),
 * an image folder as the tensors the app decoded, written into `dir` (docs/pytorch.md).
 */
export function torchDatasetSource(
  row: DatasetRow,
  ref: DatasetRef,
  images: { train: ImageSet; test: ImageSet } | null,
  dir: string,
  parts: Pick<TorchParts, 'writeSafetensors'>,
): TorchDatasetSource {
  if ('builtin' in ref)
    return { kind: ref.builtin === 'cifar10' ? 'cifar10' : 'idx', path: row.path, name: row.name }
  if (!images) throw new Error('An image folder reaches PyTorch as decoded images, and none were loaded.')
  const file = path.join(dir, TENSORS_FILE)
  const bytes = parts.writeSafetensors(
    [...tensorsOf('train', images.train), ...tensorsOf('test', images.test)],
    {
      classes: JSON.stringify(row.classes),
    },
  )
  writeFileSync(file, bytes)
  return { kind: 'tensors', path: file, name: row.name }
}
