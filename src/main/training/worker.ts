import { parentPort } from 'node:worker_threads'
import { loadDatasetFor } from '../datasets/dataset-for-graph'
import { makeTrainData } from '../datasets/train-data'
import { buildModel } from '../model/build-model'
import { loadBackend } from '../tfjs/backends'
import { checkResources } from '../tfjs/check-resources'
import { datasetRowOf } from './dataset-row'
import { webgpuGuard } from './gpu-errors'
import { startGradientHelpers, trainingThreads } from './gradient-helpers'
import { trainLoop, type LoopControl } from './loop'
import type { GradientHelper } from './step'
import type { RunEvent, ToWorker, TrainJob } from './protocol'

/**
 * The training worker thread: loads a backend, the dataset and the model, runs the loop, and
 * reports everything to the service as messages. Pause, resume and stop arrive as messages and
 * are read between batches (the loop yields to this thread's event loop a few times a second).
 */
if (!parentPort) throw new Error('worker.ts runs only as a worker thread')
const port = parentPort
const post = (m: RunEvent) => port.postMessage(m)

let paused = false
let stopped = false
let wake: (() => void) | null = null
const control: LoopControl = {
  stopRequested: () => stopped,
  pauseRequested: () => paused,
  waitWhilePaused: () =>
    new Promise<void>((resolve) => {
      post({ type: 'paused' })
      wake = resolve
    }),
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'start') void run(m.job)
  else if (m.type === 'pause') paused = true
  else {
    if (m.type === 'stop') stopped = true
    paused = false
    if (wake) {
      wake()
      wake = null
      if (m.type === 'resume') post({ type: 'resumed' })
    }
  }
})

async function run(job: TrainJob) {
  let helpers: GradientHelper[] = []
  // Until training starts, a failure is the backend's (it did not load, or the run does not fit
  // it): nothing was trained, so the run can be resumed, on another backend.
  let resumable = true
  try {
    const backend = await loadBackend({ force: job.backend })
    const { tf } = backend
    // training.start checked the backend it expected; this one may be another (a fallback).
    checkResources(job.document, job.hyperparameters, backend.name, { adapter: backend.adapter })
    resumable = false
    const dataset = await loadDatasetFor(job.document, job.dataset, job.dataDir)
    const data = makeTrainData(dataset, job.hyperparameters)
    const { model } = buildModel(tf, job.document, { seed: job.hyperparameters.seed })
    // Helper threads share each batch's gradient where the backend computes on one thread.
    // One thread when they cannot start: slower, never a failed run.
    helpers = await startGradientHelpers(trainingThreads(backend.name) - 1, {
      document: job.document,
      backend: backend.name,
    }).catch(() => [])
    const threads = helpers.length + 1
    post({
      type: 'started',
      backend: backend.name,
      device: threads > 1 ? `${backend.device}, ${threads} threads` : backend.device,
      dataset: datasetRowOf(dataset, job.dataset),
      samples: { train: data.trainCount, validation: data.valCount, test: data.testCount },
    })
    const outcome = await trainLoop(
      tf,
      model,
      data,
      job.hyperparameters,
      {
        onBatch: (b) => post({ type: 'batch', ...b }),
        onEpoch: (metrics) => post({ type: 'epoch', metrics }),
        // Copied, not transferred: the loop keeps the best weights for the test evaluation.
        onCheckpoint: (checkpoint, progress) => post({ type: 'checkpoint', checkpoint, progress }),
      },
      control,
      job.resume,
      {
        helpers,
        guard:
          backend.gpuDevice && backend.adapter
            ? webgpuGuard(backend.gpuDevice, backend.adapter, job.hyperparameters)
            : undefined,
      },
    )
    model.dispose()
    post({ type: 'done', ...outcome })
  } catch (e) {
    post({ type: 'done', status: 'failed', message: (e as Error).message, test: null, resumable })
  } finally {
    await Promise.all(helpers.map((h) => h.dispose()))
  }
}
