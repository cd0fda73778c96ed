import { randomUUID } from 'node:crypto'
import type { Worker } from 'node:worker_threads'
import { ApiError, type EventName, type EventPayload, type Handlers } from '../../shared/api/contract'
import {
  hyperparametersSchema,
  type BackendReport,
  type RunStatus,
  type RunSummary,
} from '../../shared/api/training'
import { inferGraph } from '../../shared/graph/infer'
import type { DB } from '../db/connection'
import { createDatasetsRepo } from '../db/datasets-repo'
import { createGraphVersionsRepo } from '../db/graph-versions-repo'
import { createProjectsRepo } from '../db/projects-repo'
import { createRunsRepo, LIVE_STATUSES } from '../db/runs-repo'
import { checkBuildable, GraphBuildError } from '../model/buildable'
import { loadBackend } from '../tfjs/backends'
import type { FromWorker, ToWorker, TrainJob } from '../training/protocol'
import { spawnTrainingWorker } from '../workers/spawn-worker'

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void

export type TrainingService = Pick<
  Handlers,
  | 'training.start'
  | 'training.pause'
  | 'training.resume'
  | 'training.stop'
  | 'training.backends'
  | 'runs.list'
  | 'runs.get'
  | 'runs.delete'
> & {
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

interface Live {
  worker: Worker
  status: RunStatus
  segmentStart: number | null
  epoch: number
  done: Promise<void>
}

/** Whether a process is alive; EPERM means it is, but belongs to another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Training runs: each in its own worker thread, its progress written to SQLite as it comes and
 * forwarded as events. Runs whose process is gone (killed, crashed, the machine restarted) are
 * found and marked interrupted; resuming one continues from its last checkpoint.
 */
export function createTrainingService(getDb: () => DB, options: TrainingServiceOptions): TrainingService {
  const now = () => (options.now ?? (() => new Date()))().toISOString()
  const emit: Emit = options.emit ?? (() => {})
  const spawn = options.spawn ?? spawnTrainingWorker
  const live = new Map<string, Live>()
  const waiters = new Map<string, ((r: RunSummary) => void)[]>()
  let repos: ReturnType<typeof createRepos> | undefined
  let backends: Promise<BackendReport> | undefined

  function createRepos(db: DB) {
    return {
      db,
      runs: createRunsRepo(db),
      datasets: createDatasetsRepo(db),
      versions: createGraphVersionsRepo(db),
      projects: createProjectsRepo(db),
    }
  }
  function db() {
    const handle = getDb()
    if (repos?.db !== handle) {
      repos = createRepos(handle)
      reconcile()
    }
    return repos
  }

  /** Marks runs interrupted whose owning process is gone, or which this process does not run. */
  function reconcile() {
    const { runs } = repos!
    for (const { run, ownerPid } of runs.live()) {
      const ours = ownerPid === process.pid
      if (ours ? live.has(run.id) : ownerPid !== null && isAlive(ownerPid)) continue
      const at = run.epochsDone
      runs.setStatus(
        run.id,
        'interrupted',
        `The process training this run ended (killed or crashed) during epoch ${at + 1}. Resume it to continue from ${at ? `the epoch ${at} checkpoint` : 'the start'}.`,
        now(),
      )
    }
  }

  function requireRun(id: string): RunSummary {
    const r = db().runs.get(id)
    if (!r) throw new ApiError('not-found', `No run with id '${id}': it may have been deleted.`)
    return r
  }

  function changed(runId: string) {
    const run = requireRun(runId)
    emit('training.status', { runId, status: run.status, run })
    if (!LIVE_STATUSES.includes(run.status)) {
      for (const resolve of waiters.get(runId) ?? []) resolve(run)
      waiters.delete(runId)
    }
    return run
  }

  function closeSegment(runId: string, l: Live) {
    if (l.segmentStart === null) return
    db().runs.addElapsed(runId, performance.now() - l.segmentStart, now())
    l.segmentStart = null
  }

  function launch(runId: string, job: TrainJob): void {
    const worker = spawn()
    let resolveDone!: () => void
    const l: Live = {
      worker,
      status: 'queued',
      segmentStart: null,
      epoch: job.resume?.checkpoint.epoch ?? 0,
      done: new Promise((r) => (resolveDone = r)),
    }
    live.set(runId, l)
    let finished = false
    const finish = (
      status: RunStatus,
      message: string | null,
      test: { loss: number; accuracy: number } | null,
    ) => {
      if (finished) return
      finished = true
      const { runs } = db()
      closeSegment(runId, l)
      if (test) runs.setTest(runId, test, now())
      runs.setStatus(runId, status, message, now())
      live.delete(runId)
      void worker.terminate().then(resolveDone, resolveDone)
      changed(runId)
    }
    worker.on('message', (m: FromWorker) => {
      const { runs } = db()
      switch (m.type) {
        case 'started':
          db().datasets.upsert(m.dataset, now())
          runs.setStarted(
            runId,
            {
              backend: m.backend,
              device: m.device,
              datasetId: m.dataset.id,
              datasetHash: m.dataset.contentHash,
              datasetName: m.dataset.name,
              classes: m.dataset.classes,
            },
            now(),
          )
          l.status = 'running'
          l.segmentStart = performance.now()
          changed(runId)
          break
        case 'batch':
          runs.addBatchLoss(runId, m.epoch, m.step, m.loss)
          emit('training.batch', { runId, ...m })
          break
        case 'epoch':
          runs.addEpoch(runId, m.metrics)
          emit('training.epoch', { runId, ...m.metrics })
          break
        case 'checkpoint':
          runs.saveCheckpoint(runId, m.checkpoint, m.progress, now())
          l.epoch = m.checkpoint.epoch
          break
        case 'paused':
          closeSegment(runId, l)
          l.status = 'paused'
          runs.setStatus(runId, 'paused', null, now())
          changed(runId)
          break
        case 'resumed':
          l.status = 'running'
          l.segmentStart = performance.now()
          runs.setStatus(runId, 'running', null, now())
          changed(runId)
          break
        case 'done':
          finish(m.status, m.message, m.test)
          break
      }
    })
    worker.on('error', (e) => finish('failed', `The training worker crashed: ${e.message}`, null))
    worker.on('exit', (code) => {
      if (!finished) finish('failed', `The training worker exited unexpectedly (code ${code}).`, null)
    })
    const start: ToWorker = { type: 'start', job }
    worker.postMessage(start)
  }

  function send(runId: string, message: ToWorker): Live {
    const l = live.get(runId)
    if (!l) throw new ApiError('conflict', `Run '${runId}' is not running in this process.`)
    l.worker.postMessage(message)
    return l
  }

  const service: TrainingService = {
    'training.start'({ projectId, versionId, dataset, hyperparameters, backend }) {
      const { versions, projects, runs } = db()
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
      const id = randomUUID()
      const run = runs.create({
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
      emit('training.status', { runId: id, status: run.status, run })
      return run
    },
    'training.pause'({ runId }) {
      send(runId, { type: 'pause' })
      return requireRun(runId)
    },
    'training.stop'({ runId }) {
      const run = requireRun(runId)
      if (!LIVE_STATUSES.includes(run.status)) return run
      send(runId, { type: 'stop' })
      return run
    },
    'training.resume'({ runId }) {
      const run = requireRun(runId)
      if (live.has(runId)) {
        send(runId, { type: 'resume' })
        return run
      }
      if (run.status !== 'interrupted' && run.status !== 'stopped')
        throw new ApiError(
          'conflict',
          run.status === 'failed'
            ? `Run '${runId}' failed (${run.message ?? 'see its message'}); start a new run instead, for example with a lower learning rate.`
            : `Run '${runId}' is ${run.status}; only a paused, stopped or interrupted run can be resumed.`,
        )
      const { runs, versions } = db()
      const internals = runs.internals(runId)!
      const document = versions.document(run.versionId)!
      runs.setStatus(runId, 'queued', null, now())
      launch(runId, {
        runId,
        document,
        dataset: internals.datasetRef!,
        dataDir: options.dataDir,
        hyperparameters: run.hyperparameters,
        backend: (run.backend as TrainJob['backend']) ?? undefined,
        resume: runs.rewindToLastCheckpoint(runId),
      })
      return changed(runId)
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
    'runs.list'({ id }) {
      return db().runs.list(id)
    },
    'runs.get'({ runId }) {
      requireRun(runId)
      return db().runs.detail(runId)!
    },
    'runs.delete'({ runId }) {
      const run = requireRun(runId)
      if (live.has(runId))
        throw new ApiError('conflict', `Run '${runId}' is ${run.status}: stop it before deleting it.`)
      db().runs.delete(runId)
      return { id: runId }
    },
    settled(runId) {
      const run = requireRun(runId)
      if (!LIVE_STATUSES.includes(run.status)) return Promise.resolve(run)
      return new Promise((resolve) => waiters.set(runId, [...(waiters.get(runId) ?? []), resolve]))
    },
    async close() {
      for (const l of live.values()) l.worker.postMessage({ type: 'stop' } satisfies ToWorker)
      await Promise.all([...live.values()].map((l) => l.done))
    },
  }
  return service
}
