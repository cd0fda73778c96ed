import { randomUUID } from 'node:crypto'
import type { Worker } from 'node:worker_threads'
import { ApiError, type Handlers } from '../../shared/api/contract'
import { hyperparametersSchema, type BackendReport, type RunSummary } from '../../shared/api/training'
import { inferGraph } from '../../shared/graph/infer'
import type { DB } from '../db/connection'
import { LIVE_STATUSES } from '../db/runs-repo'
import { checkBuildable, GraphBuildError } from '../model/buildable'
import { loadBackend } from '../tfjs/backends'
import { checkResources } from '../tfjs/check-resources'
import type { ToWorker, TrainJob } from '../training/protocol'
import { spawnTrainingWorker } from '../workers/spawn-worker'
import type { Emit } from './emit'
import { interruptOrphanedRuns } from './interrupted-runs'
import { requireRun, runReposOver } from './run-repos'
import { createRunSupervisor } from './run-supervisor'
import { createRunsService, type RunsService } from './runs-service'

export type TrainingService = Pick<
  Handlers,
  'training.start' | 'training.pause' | 'training.resume' | 'training.stop' | 'training.backends'
> &
  RunsService & {
    /** Resolves when the run reaches finished, failed, stopped or interrupted (the CLI waits on it). */
    settled(runId: string): Promise<RunSummary>
    /** Stops every live run of this process (their last checkpoints stay) and waits for the workers. */
    close(): Promise<void>
  }

export interface TrainingServiceOptions {
  dataDir: string
  emit?: Emit
  now?: () => Date
  /** The worker factory, for tests. */
  spawn?: () => Worker
}

/** A run this process trains: its worker thread, and when that thread has ended. */
interface Live {
  worker: Worker
  done: Promise<void>
}

/**
 * Training runs: start, pause, resume and stop, each run in its own worker thread whose events the
 * run supervisor (run-supervisor.ts) stores and forwards. With them, the `runs.*` methods
 * (runs-service.ts), which must know the runs this process trains. Runs whose process is gone are
 * marked interrupted when the database is opened (interrupted-runs.ts); resuming one continues
 * from its last checkpoint.
 */
export function createTrainingService(getDb: () => DB, options: TrainingServiceOptions): TrainingService {
  const now = () => (options.now ?? (() => new Date()))().toISOString()
  const emit: Emit = options.emit ?? (() => {})
  const spawn = options.spawn ?? spawnTrainingWorker
  const live = new Map<string, Live>()
  const runningHere = (runId: string) => live.has(runId)
  const repos = runReposOver(getDb, ({ runs }) => interruptOrphanedRuns(runs, runningHere, now))
  const supervisor = createRunSupervisor(repos, { emit, now })
  const run = (runId: string) => requireRun(repos().runs, runId)
  let backends: Promise<BackendReport> | undefined

  function launch(runId: string, job: TrainJob): void {
    const worker = spawn()
    let resolveDone!: () => void
    live.set(runId, { worker, done: new Promise((r) => (resolveDone = r)) })
    const report = supervisor.supervise(runId, () => {
      live.delete(runId)
      void worker.terminate().then(resolveDone, resolveDone)
    })
    worker.on('message', report)
    worker.on('error', (e) =>
      report({
        type: 'done',
        status: 'failed',
        message: `The training worker crashed: ${e.message}`,
        test: null,
      }),
    )
    worker.on('exit', (code) =>
      report({
        type: 'done',
        status: 'failed',
        message: `The training worker exited unexpectedly (code ${code}).`,
        test: null,
      }),
    )
    worker.postMessage({ type: 'start', job } satisfies ToWorker)
  }

  function send(runId: string, message: ToWorker): Live {
    const l = live.get(runId)
    if (!l) throw new ApiError('conflict', `Run '${runId}' is not running in this process.`)
    l.worker.postMessage(message)
    return l
  }

  return {
    'training.start'({ projectId, versionId, dataset, hyperparameters, backend }) {
      const { versions, projects, runs } = repos()
      if (!projects.get(projectId))
        throw new ApiError('not-found', `No project with id '${projectId}': it may have been deleted.`)
      const version = versionId
        ? { id: versionId, document: versions.document(versionId) }
        : versions.latest(projectId)
      if (!version?.document)
        throw new ApiError('not-found', `Project '${projectId}' has no version ${versionId ?? ''}.`)
      try {
        checkBuildable(version.document)
      } catch (e) {
        if (e instanceof GraphBuildError) throw new ApiError('invalid', e.message)
        throw e
      }
      const h = hyperparametersSchema.parse(hyperparameters)
      // Memory: refused with the numbers and the largest batch that fits, before a run exists.
      checkResources(version.document, h, backend)
      const id = randomUUID()
      const created = runs.create({
        id,
        versionId: version.id,
        dataset,
        datasetName: 'builtin' in dataset ? dataset.builtin : dataset.folder,
        hyperparameters: h,
        macs: inferGraph(version.document).totals.macs,
        now: now(),
      })
      launch(id, {
        runId: id,
        document: version.document,
        dataset,
        dataDir: options.dataDir,
        hyperparameters: h,
        backend,
      })
      emit('training.status', { runId: id, status: created.status, run: created })
      return created
    },
    'training.pause'({ runId }) {
      send(runId, { type: 'pause' })
      return run(runId)
    },
    'training.stop'({ runId }) {
      const r = run(runId)
      if (!LIVE_STATUSES.includes(r.status)) return r
      send(runId, { type: 'stop' })
      return r
    },
    'training.resume'({ runId }) {
      const r = run(runId)
      if (live.has(runId)) {
        send(runId, { type: 'resume' })
        return r
      }
      if (r.status !== 'interrupted' && r.status !== 'stopped')
        throw new ApiError(
          'conflict',
          r.status === 'failed'
            ? `Run '${runId}' failed (${r.message ?? 'see its message'}); start a new run instead, for example with a lower learning rate.`
            : `Run '${runId}' is ${r.status}; only a paused, stopped or interrupted run can be resumed.`,
        )
      const { runs, versions } = repos()
      const internals = runs.internals(runId)!
      const document = versions.document(r.versionId)!
      runs.setStatus(runId, 'queued', null, now())
      launch(runId, {
        runId,
        document,
        dataset: internals.datasetRef!,
        dataDir: options.dataDir,
        hyperparameters: r.hyperparameters,
        backend: (r.backend as TrainJob['backend']) ?? undefined,
        resume: runs.rewindToLastCheckpoint(runId),
      })
      return supervisor.announce(runId)
    },
    'training.backends'() {
      // Loading a backend costs seconds the first time and cannot change while the app runs.
      backends ??= loadBackend().then(
        (b) => ({ chosen: b.name, device: b.device, attempts: b.attempts }),
        (e: Error) => {
          backends = undefined
          throw new ApiError('unavailable', e.message)
        },
      )
      return backends
    },
    ...createRunsService(repos, runningHere),
    settled: (runId) => supervisor.settled(runId),
    async close() {
      for (const l of live.values()) l.worker.postMessage({ type: 'stop' } satisfies ToWorker)
      await Promise.all([...live.values()].map((l) => l.done))
    },
  }
}
