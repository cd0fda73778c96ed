import { ApiError } from '../../shared/api/contract'
import type { EngineWorker, RunEvent, ToWorker, TrainJob } from '../training/protocol'
import type { RunSupervisor } from './run-supervisor'

/** A batch of ResNet-50 on one CPU thread takes seconds: closing waits this long for it. */
export const CLOSE_TIMEOUT_MS = 30_000

/** A run this process trains: its engine, where its events go, and when the engine has ended. */
interface Live {
  worker: EngineWorker
  report: (event: RunEvent) => void
  done: Promise<void>
}

/** Whether `p` settles within `ms`. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)))
  try {
    return await Promise.race([p.then(() => true as const), late])
  } finally {
    clearTimeout(timer)
  }
}

export interface TrainingWorkers {
  /**
   * A run's engine (`spawn`: a worker thread, or the PyTorch engine), started before its run is
   * written so that a failure writes nothing (`unavailable`).
   */
  start(spawn: () => EngineWorker): EngineWorker
  /** Gives `worker` its job; the supervisor writes what it reports. */
  launch(runId: string, job: TrainJob, worker: EngineWorker): void
  /** Sends pause, resume or stop to the run's worker; `conflict` when this process does not train it. */
  send(runId: string, message: ToWorker): void
  /** Whether this process trains the run now. */
  has(runId: string): boolean
  /**
   * Asks every worker to stop after its batch and waits for them; one still busy after
   * `closeTimeoutMs` is ended and its run stored as stopped, with why.
   */
  close(): Promise<void>
}

/**
 * The engines of the runs one training service trains, one per run: TF.js worker threads and
 * PyTorch processes alike, through the worker surface (EngineWorker) they share.
 */
export function createTrainingWorkers(
  supervisor: RunSupervisor,
  options: { closeTimeoutMs?: number } = {},
): TrainingWorkers {
  const closeTimeoutMs = options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS
  const live = new Map<string, Live>()

  return {
    start(spawn) {
      try {
        return spawn()
      } catch (e) {
        throw new ApiError(
          'unavailable',
          `The training worker could not start: ${(e as Error).message}. No run was created; try again, and reinstall CNN Studio if it persists.`,
        )
      }
    },
    launch(runId, job, worker) {
      let resolveDone!: () => void
      const done = new Promise<void>((r) => (resolveDone = r))
      const terminate = () =>
        worker.terminate().then(
          () => {},
          () => {},
        )
      const report = supervisor.supervise(runId, {
        halt: () => void terminate(),
        ended: () => {
          if (live.get(runId)?.worker === worker) live.delete(runId)
          void terminate().then(resolveDone)
        },
      })
      live.set(runId, { worker, report, done })
      const fail = (message: string) => report({ type: 'done', status: 'failed', message, test: null })
      worker.on('message', report)
      worker.on('error', (e) => fail(`The training worker crashed: ${e.message}`))
      worker.on('exit', (code) => fail(`The training worker exited unexpectedly (code ${code}).`))
      try {
        worker.postMessage({ type: 'start', job } satisfies ToWorker)
      } catch (e) {
        fail(`The training worker could not be given its job: ${(e as Error).message}`)
      }
    },
    send(runId, message) {
      const l = live.get(runId)
      if (!l) throw new ApiError('conflict', `Run '${runId}' is not running in this process.`)
      l.worker.postMessage(message)
    },
    has: (runId) => live.has(runId),
    async close() {
      const allDone = () => Promise.all([...live.values()].map((l) => l.done))
      for (const l of live.values())
        try {
          l.worker.postMessage({ type: 'stop' } satisfies ToWorker)
        } catch {
          // Already ended.
        }
      if (!(await within(allDone(), closeTimeoutMs))) {
        // A hung worker (a batch that never ends): the run ends here, its last checkpoint kept.
        for (const l of live.values())
          l.report({
            type: 'done',
            status: 'stopped',
            message: `The training worker did not stop within ${closeTimeoutMs / 1000} s when CNN Studio closed, so it was ended; resume the run to continue from its last checkpoint.`,
            test: null,
          })
        if (!(await within(allDone(), closeTimeoutMs)))
          for (const l of live.values()) void l.worker.terminate().catch(() => {})
      }
      await within(supervisor.idle(), closeTimeoutMs)
    },
  }
}
