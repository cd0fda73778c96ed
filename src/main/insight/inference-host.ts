import type { Worker } from 'node:worker_threads'
import { ApiError } from '../../shared/api/contract'
import { spawnWorker } from '../workers/spawn-worker'
import type { RunModelSpec } from './loaded-run'
import type { FromInsightWorker, InsightOp, ToInsightWorker } from './protocol'

/** The main thread's side of the inference worker. */
export interface InferenceHost {
  /**
   * Answers `request` about a run's model, loading it in the worker first when needed (`spec` is
   * read only then: it copies the checkpoint). Rejects with ApiError: `invalid` for what the user can
   * fix, `internal` when the worker fails or dies.
   */
  call<T>(key: string, spec: () => RunModelSpec, request: InsightOp): Promise<T>
  close(): Promise<void>
}

/**
 * Starts the worker on first use and ends it after `idleMs` without requests, which returns its
 * memory (sessions, datasets, TF.js); a worker that dies is replaced on the next request.
 */
export function createInferenceHost(options: { spawn?: () => Worker; idleMs?: number } = {}): InferenceHost {
  const spawn = options.spawn ?? (() => spawnWorker('insight-worker'))
  const idleMs = options.idleMs ?? 5 * 60_000
  let worker: Worker | null = null
  let loaded = new Set<string>()
  let nextId = 1
  const pending = new Map<number, (m: FromInsightWorker) => void>()
  let idle: NodeJS.Timeout | null = null

  const stop = () => {
    const w = worker
    worker = null
    loaded = new Set()
    return w ? w.terminate().then(() => undefined) : Promise.resolve()
  }

  const arm = () => {
    if (idle) clearTimeout(idle)
    idle = pending.size ? null : setTimeout(() => void stop(), idleMs)
    idle?.unref()
  }

  const start = (): Worker => {
    const w = spawn()
    const fail = (message: string) => {
      if (worker === w) {
        worker = null
        loaded = new Set()
      }
      for (const [id, settle] of pending) settle({ id, ok: false, failure: 'internal', message })
      pending.clear()
    }
    w.on('message', (m: FromInsightWorker) => {
      const settle = pending.get(m.id)
      pending.delete(m.id)
      settle?.(m)
      arm()
    })
    w.on('error', (e) => fail(`The inference process failed: ${e.message}. Try again.`))
    w.on('exit', (code) => {
      if (worker === w && code !== 0)
        fail(
          `The inference process ended unexpectedly (exit code ${code}); the model may be too large for the memory available. Try again.`,
        )
    })
    return w
  }

  const send = (m: Omit<ToInsightWorker, 'id'>) =>
    new Promise<FromInsightWorker>((resolve) => {
      worker ??= start()
      const id = nextId++
      pending.set(id, resolve)
      arm()
      worker.postMessage({ ...m, id } satisfies ToInsightWorker)
    })

  return {
    async call<T>(key: string, spec: () => RunModelSpec, request: InsightOp): Promise<T> {
      let reply = await send({ key, request, spec: loaded.has(key) ? undefined : spec() })
      if (!reply.ok && reply.failure === 'missing') reply = await send({ key, request, spec: spec() })
      if (reply.ok) {
        loaded.add(key)
        return reply.value as T
      }
      throw new ApiError(reply.failure === 'invalid' ? 'invalid' : 'internal', reply.message)
    },
    close: () => {
      if (idle) clearTimeout(idle)
      return stop()
    },
  }
}
