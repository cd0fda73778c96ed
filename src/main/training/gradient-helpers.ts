import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { GraphDocument } from '../../shared/graph/document'
import type { BackendName } from '../tfjs/backends'
import { spawnWorker } from '../workers/spawn-worker'
import type { ChunkGradients, GradientHelper, HelperStep } from './step'

export type ToHelper =
  { type: 'init'; document: GraphDocument; backend: BackendName } | { type: 'step'; step: HelperStep }
export type FromHelper =
  | { type: 'ready' }
  | { type: 'gradients'; result: ChunkGradients<Float32Array> }
  | { type: 'error'; message: string }

/** Most threads a run uses: beyond four, the per-step copies and the smaller pieces cost more than they give. */
const MAX_THREADS = 4

/**
 * Threads a run computes its gradients on: one per core (up to four) on the backends that compute
 * on one thread (wasm in Node, the plain-JS cpu backend), one on the native ones, which use every
 * core already. `CNN_STUDIO_TRAIN_THREADS` overrides it (benchmarks, tests).
 */
export function trainingThreads(backend: BackendName, env = process.env): number {
  // One GPU, one trainer: helper threads would each open the GPU and split nothing worth splitting.
  if (backend === 'webgpu') return 1
  const forced = Number(env.CNN_STUDIO_TRAIN_THREADS)
  if (Number.isInteger(forced) && forced >= 1) return Math.min(forced, MAX_THREADS)
  return backend === 'wasm' || backend === 'cpu'
    ? Math.max(1, Math.min(availableParallelism(), MAX_THREADS))
    : 1
}

/** A helper thread behind the GradientHelper interface: one request at a time, answered in order. */
class ThreadHelper implements GradientHelper {
  private waiting: { resolve(m: FromHelper): void; reject(e: Error): void } | null = null
  private failure: Error | null = null

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromHelper) => {
      const w = this.waiting
      this.waiting = null
      if (m.type === 'error') w?.reject(new Error(`A training thread failed: ${m.message}`))
      else w?.resolve(m)
    })
    const fail = (e: Error) => {
      this.failure = e
      this.waiting?.reject(e)
      this.waiting = null
    }
    worker.on('error', (e) => fail(new Error(`A training thread failed: ${e.message}`)))
    worker.on('exit', (code) => fail(new Error(`A training thread ended unexpectedly (exit code ${code}).`)))
  }

  request(m: ToHelper): Promise<FromHelper> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject }
      this.worker.postMessage(m)
    })
  }

  async gradients(step: HelperStep): Promise<ChunkGradients<Float32Array>> {
    const m = await this.request({ type: 'step', step })
    if (m.type !== 'gradients') throw new Error(`A training thread answered '${m.type}' to a step.`)
    return m.result
  }

  async dispose(): Promise<void> {
    this.worker.removeAllListeners('exit')
    await this.worker.terminate()
  }
}

/**
 * Starts `count` helper threads, each with the run's model built on `backend`, ready for steps.
 * If any fails to start, all are ended and the error says why.
 */
export async function startGradientHelpers(
  count: number,
  init: { document: GraphDocument; backend: BackendName },
  spawn: () => Worker = () => spawnWorker('gradient-worker'),
): Promise<GradientHelper[]> {
  const helpers = Array.from({ length: count }, () => new ThreadHelper(spawn()))
  try {
    await Promise.all(helpers.map((h) => h.request({ type: 'init', ...init })))
    return helpers
  } catch (e) {
    await Promise.all(helpers.map((h) => h.dispose()))
    throw e
  }
}
