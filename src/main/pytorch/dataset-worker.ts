import { parentPort } from 'node:worker_threads'
import type { GraphDocument } from '../../shared/graph/document'
import { loadDatasetFor } from '../datasets/dataset-for-graph'
import { buildModel } from '../model/build-model'
import { getWeights } from '../model/weights'
import { loadBackend } from '../tfjs/backends'
import { datasetRowOf } from '../training/dataset-row'
import { planModel } from './model-plan'
import { encodeSafetensors } from './safetensors'
import { toStateDict } from './state-dict'
import type { DatasetJob, DatasetLoaded } from './torch-dataset'

/**
 * The PyTorch engine's preparation thread, off the main process's event loop: decodes the run's
 * dataset as the TF.js worker would (the same skipped files, sizes and content hash) and answers
 * with its `datasets` row; with the decoded images too when asked (an image folder, which train.py
 * reads as the tensors the app decoded); and, for a new run, the initial weights TF.js draws for
 * the run's seed, as model.py's state dict, so that a PyTorch run starts where a TF.js run of the
 * same seed starts (PyTorch's own initializers differ: kaiming_uniform with a = √5, biases drawn).
 * Buffers are transferred rather than copied.
 */
if (!parentPort) throw new Error('pytorch/dataset-worker.ts runs only as a worker thread')
const port = parentPort

/** The TF.js model's initial weights for `seed` (plain TF.js on the CPU: its draws are the same on every backend). */
async function initialWeights(document: GraphDocument, seed: number): Promise<Uint8Array> {
  const { tf } = await loadBackend({ force: 'cpu' })
  const { model } = buildModel(tf, document, { seed })
  try {
    return encodeSafetensors(toStateDict(planModel(document), await getWeights(model)))
  } finally {
    model.dispose()
  }
}

port.once('message', async (job: DatasetJob) => {
  try {
    const ds = await loadDatasetFor(job.document, job.dataset, job.dataDir)
    const weights = job.initialSeed === null ? null : await initialWeights(job.document, job.initialSeed)
    const answer: DatasetLoaded = {
      type: 'loaded',
      row: datasetRowOf(ds, job.dataset),
      images: job.withImages ? { train: ds.train, test: ds.test } : null,
      initialWeights: weights,
    }
    const images = job.withImages ? [ds.train.images, ds.train.labels, ds.test.images, ds.test.labels] : []
    const buffers = [...images, ...(weights ? [weights] : [])].map((a) => a.buffer as ArrayBuffer)
    port.postMessage(answer, [...new Set(buffers)])
  } catch (e) {
    port.postMessage({ type: 'failed', message: (e as Error).message } satisfies DatasetLoaded)
  }
})
