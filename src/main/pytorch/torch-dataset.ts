import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Worker } from 'node:worker_threads'
import type { DatasetRef } from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import type { DatasetRow } from '../db/datasets-repo'
import type { ImageSet } from '../datasets/types'
import { torchDataset, type TorchDataset } from './config'
import { encodeSafetensors, type SafeTensor } from './safetensors'

/** What the dataset thread (dataset-worker.ts) is asked to prepare. */
export interface DatasetJob {
  document: GraphDocument
  dataset: DatasetRef
  dataDir: string
  /** Send the decoded images back (image folders). */
  withImages: boolean
  /**
   * Draw the model's initial weights as a TF.js run of this seed does (buildModel's initializers),
   * as model.py's state dict in safetensors; null when resuming.
   */
  initialSeed: number | null
}

export type DatasetLoaded =
  | {
      type: 'loaded'
      row: DatasetRow
      images: { train: ImageSet; test: ImageSet } | null
      /** `initialSeed`'s weights: the bytes of INITIAL_WEIGHTS_FILE. */
      initialWeights: Uint8Array | null
    }
  | { type: 'failed'; message: string }

/** The file an image folder's decoded images are written to, in the run's PyTorch folder. */
export const TENSORS_FILE = 'dataset.safetensors'
/** The weights a new run starts from (train.py's `--weights`). */
export const INITIAL_WEIGHTS_FILE = 'initial-weights.safetensors'

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
const tensorsOf = (split: 'train' | 'test', s: ImageSet): SafeTensor[] => [
  { name: `${split}_images`, dtype: 'U8', shape: [s.count, s.height, s.width, s.channels], data: s.images },
  { name: `${split}_labels`, dtype: 'U8', shape: [s.count], data: s.labels },
]

/**
 * Where train.py reads the run's dataset: a built-in from its own files (IDX, CIFAR-10 batches,
 * found as config.ts's torchDataset finds them), an image folder as the tensors the app decoded,
 * written into `dir` with the class names in the metadata key train.py reads (`classes`).
 */
export function torchDatasetSource(
  ref: DatasetRef,
  dataDir: string,
  images: { train: ImageSet; test: ImageSet } | null,
  classes: readonly string[],
  dir: string,
): TorchDataset {
  const source = torchDataset(ref, dataDir)
  if (source.kind !== 'folder') return source
  if (!images) throw new Error('An image folder reaches PyTorch as decoded images, and none were loaded.')
  const file = path.join(dir, TENSORS_FILE)
  const tensors = [...tensorsOf('train', images.train), ...tensorsOf('test', images.test)]
  writeFileSync(file, encodeSafetensors(tensors, { classes: JSON.stringify(classes) }))
  return { ...source, kind: 'tensors', path: file }
}
