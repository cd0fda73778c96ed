import { parentPort } from 'node:worker_threads'
import { CheckpointError } from '../model/checkpoint'
import { GraphBuildError } from '../model/buildable'
import { loadBackend } from '../tfjs/backends'
import { exportModel, ExportVerificationError } from './export-model'
import { ExportTargetError } from './export-target'
import type { ExportFailure, ExportJob, FromExportWorker } from './protocol'
import { ExportPathError } from './write-atomic'

/**
 * The export worker thread: one export per thread (started by export-service.ts), so building the
 * model, running TF.js and onnxruntime and serialising never hold the main process's event loop,
 * and the model's memory (wasm heap included) is returned when the thread ends.
 */
if (!parentPort) throw new Error('export/worker.ts runs only as a worker thread')
const port = parentPort

const failureOf = (e: unknown): ExportFailure =>
  e instanceof ExportTargetError
    ? e.reason === 'exists'
      ? 'conflict'
      : 'invalid'
    : e instanceof GraphBuildError || e instanceof ExportPathError || e instanceof CheckpointError
      ? 'invalid'
      : e instanceof ExportVerificationError
        ? 'verification'
        : 'internal'

const post = (m: FromExportWorker) => port.postMessage(m)

port.once('message', async (job: ExportJob) => {
  let tf
  try {
    // Export reads weights and logits synchronously, which webgpu cannot do in Node; a CPU backend
    // also keeps the verification's reference independent of a GPU's rounding.
    tf = (await loadBackend({ skip: ['webgpu'] })).tf
  } catch (e) {
    return post({ type: 'failed', failure: 'unavailable', message: (e as Error).message })
  }
  try {
    post({ type: 'done', report: await exportModel(tf, job.input, job.request, job.dataDir) })
  } catch (e) {
    post({ type: 'failed', failure: failureOf(e), message: e instanceof Error ? e.message : String(e) })
  }
})
