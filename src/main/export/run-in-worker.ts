import type { Worker } from 'node:worker_threads'
import type { ExportReport } from '../../shared/api/export'
import type { ExportFailure, ExportJob, FromExportWorker } from './protocol'

/** An export that failed in the worker, with the worker's reason. */
export class ExportWorkerError extends Error {
  constructor(
    readonly failure: ExportFailure,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Runs one export in a new worker thread and ends the thread. Rejects with ExportWorkerError: the
 * worker's own failure, or `internal` when the thread dies without answering (out of memory, a
 * crash), in which case nothing was renamed into place (files are written under temporary names).
 */
export function runExportInWorker(job: ExportJob, spawn: () => Worker): Promise<ExportReport> {
  const worker = spawn()
  return new Promise<ExportReport>((resolve, reject) => {
    let settled = false
    const settle = (f: () => void) => {
      if (settled) return
      settled = true
      f()
      void worker.terminate()
    }
    worker.once('message', (m: FromExportWorker) =>
      settle(() =>
        m.type === 'done' ? resolve(m.report) : reject(new ExportWorkerError(m.failure, m.message)),
      ),
    )
    worker.once('error', (e) =>
      settle(() =>
        reject(new ExportWorkerError('internal', `The export stopped with an error: ${e.message}`)),
      ),
    )
    worker.once('exit', (code) =>
      settle(() =>
        reject(
          new ExportWorkerError(
            'internal',
            `The export process ended unexpectedly (exit code ${code}) before it finished; nothing was written. Try again; if it happens again, the model may be too large for the memory available.`,
          ),
        ),
      ),
    )
    worker.postMessage(job)
  })
}
