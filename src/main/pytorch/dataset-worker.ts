import { parentPort } from 'node:worker_threads'
import { loadDatasetFor } from '../datasets/dataset-for-graph'
import { datasetRowOf } from '../training/dataset-row'
import type { DatasetJob, DatasetLoaded } from './torch-dataset'

/**
 * The PyTorch engine's dataset thread: decodes the run's dataset as the TF.js worker would (the
 * same skipped files, sizes and content hash), off the main process's event loop, and answers
 * with its `datasets` row; with the decoded images too when asked (an image folder, which train.py
 * reads as the tensors the app decoded), transferred rather than copied.
 */
if (!parentPort) throw new Error('pytorch/dataset-worker.ts runs only as a worker thread')
const port = parentPort

port.once('message', async (job: DatasetJob) => {
  try {
    const ds = await loadDatasetFor(job.document, job.dataset, job.dataDir)
    const answer: DatasetLoaded = {
      type: 'loaded',
      row: datasetRowOf(ds, job.dataset),
      images: job.withImages ? { train: ds.train, test: ds.test } : null,
    }
    const buffers = job.withImages
      ? [ds.train.images, ds.train.labels, ds.test.images, ds.test.labels].map((a) => a.buffer as ArrayBuffer)
      : []
    port.postMessage(answer, [...new Set(buffers)])
  } catch (e) {
    port.postMessage({ type: 'failed', message: (e as Error).message } satisfies DatasetLoaded)
  }
})
