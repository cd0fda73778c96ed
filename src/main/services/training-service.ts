import { randomUUID } from 'node:crypto'
import type { Worker } from 'node:worker_threads'
import { ApiError, type Handlers } from '../../shared/api/contract'
import {
  BACKEND_NAMES,
  hyperparametersSchema,
  type BackendReport,
  type Hyperparameters,
  type DatasetRef,
  type RunSummary,
} from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import type { GraphIo } from '../../shared/graph/io'
import { inferGraph } from '../../shared/graph/infer'
import type { DB } from '../db/connection'
import { LIVE_STATUSES, type RunOwner } from '../db/runs-repo'
import { checkDatasetFor } from '../datasets/dataset-for-graph'
import { DatasetFileError } from '../datasets/idx'
import { checkBuildable, GraphBuildError } from '../model/buildable'
import { BackendUnavailableError, backendReport, expectedBackend, type BackendName } from '../tfjs/backends'
import { checkResources } from '../tfjs/check-resources'
import type { TrainJob } from '../training/protocol'
import { spawnTrainingWorker } from '../workers/spawn-worker'
import type { Emit } from './emit'
import { interruptOrphanedRuns } from './interrupted-runs'
import { requireRun, runReposOver } from './run-repos'
import { createRunSupervisor } from './run-supervisor'
import { createRunsService, type RunsService } from './runs-service'
import { createTrainingWorkers } from './training-workers'

export type TrainingService = Pick<
  Handlers,
  'training.start' | 'training.pause' | 'training.resume' | 'training.stop' | 'training.backends'
> &
  RunsService & {
    /** Resolves when the run reaches finished, failed, stopped or interrupted (the CLI waits on it). */
    settled(runId: string): Promise<RunSummary>
    /**
     * Stops every live run of this process (their last checkpoints stay) and waits for the
     * workers; one that does not stop within `closeTimeoutMs` is ended.
     */
    close(): Promise<void>
  }

export interface TrainingServiceOptions {
  dataDir: string
  emit?: Emit
  now?: () => Date
  /** The worker factory, for tests. */
  spawn?: () => Worker
  /** How often a live run's heartbeat is written (services/heartbeat.ts). */
  heartbeatMs?: number
  /** How long close() waits for a worker to stop after its current batch before ending it. */
  closeTimeoutMs?: number
}

/** The graph as the trainer sees it, or `invalid` with every problem listed. */
function buildable(document: GraphDocument) {
  try {
    return checkBuildable(document)
  } catch (e) {
    if (e instanceof GraphBuildError) throw new ApiError('invalid', e.message)
    throw e
  }
}

/**
 * Training runs: start, pause, resume and stop, each run in its own worker thread whose events the
 * run supervisor (run-supervisor.ts) stores and forwards. With them, the `runs.*` methods
 * (runs-service.ts), which must know the runs this process trains. Before a run is written (or
 * claimed to resume), its graph, its dataset (headers and listings), the resources of the backend
 * it will get and the worker thread are checked; runs nobody trains any more (interrupted-runs.ts)
 * are marked interrupted when the database is opened and before listing or resuming; resuming one
 * continues from its last checkpoint, on the backend it trained on or the one asked for.
 */
export function createTrainingService(getDb: () => DB, options: TrainingServiceOptions): TrainingService {
  const now = () => (options.now ?? (() => new Date()))().toISOString()
  const emit: Emit = options.emit ?? (() => {})
  // This instance, as the runs it trains record it: another instance in this process is another owner.
  const owner: RunOwner = { pid: process.pid, id: randomUUID() }
  // Called only once `workers` exists: the repositories are made on the first request.
  const runningHere = (runId: string) => workers.has(runId)
  const repos = runReposOver(getDb, owner, ({ runs }) =>
    interruptOrphanedRuns(runs, { ownerId: owner.id, runningHere, now }),
  )
  const supervisor = createRunSupervisor(repos, { emit, now, heartbeatMs: options.heartbeatMs })
  const workers = createTrainingWorkers(supervisor, {
    spawn: options.spawn ?? spawnTrainingWorker,
    closeTimeoutMs: options.closeTimeoutMs,
  })
  const run = (runId: string) => requireRun(repos().runs, runId)
  /** The stored runs brought up to date: late failures stored, runs nobody trains interrupted. */
  const refresh = () => {
    supervisor.storeUnstored()
    interruptOrphanedRuns(repos().runs, { ownerId: owner.id, runningHere, now })
  }
  let backends: Promise<BackendReport> | undefined

  /** The dataset exists, reads at a glance and fits the graph, or `invalid` with what to fix. */
  function checkDataset(graph: GraphIo, dataset: DatasetRef): void {
    try {
      checkDatasetFor(graph, dataset, options.dataDir)
    } catch (e) {
      if (e instanceof DatasetFileError) throw new ApiError('invalid', e.message)
      throw e
    }
  }

  /**
   * The resource check against the backend the run will get (`backend`, else the fastest), before
   * a run is written or claimed: `invalid` with the numbers and the largest batch that fits,
   * `unavailable` when the backend asked for cannot load here (`resuming`: the run it would resume).
   */
  function preflight(document: GraphDocument, h: Hyperparameters, backend?: BackendName, resuming?: string) {
    let expected
    try {
      expected = expectedBackend(backend)
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e
      throw new ApiError(
        'unavailable',
        resuming
          ? `Run '${resuming}' cannot resume on ${e.backend}, which cannot load here (${e.reason}). Resume it on another backend (cnn-studio train --resume ${resuming} --backend wasm).`
          : e.message,
      )
    }
    checkResources(document, h, expected.name, { adapter: expected.adapter })
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
      const graph = buildable(version.document)
      const h = hyperparametersSchema.parse(hyperparameters)
      checkDataset(graph, dataset)
      preflight(version.document, h, backend)
      const worker = workers.start()
      const id = randomUUID()
      let created: RunSummary
      try {
        created = runs.create({
          id,
          versionId: version.id,
          dataset,
          datasetName: 'builtin' in dataset ? dataset.builtin : dataset.folder,
          hyperparameters: h,
          macs: inferGraph(version.document).totals.macs,
          now: now(),
        })
      } catch (e) {
        void worker.terminate()
        throw e
      }
      workers.launch(
        id,
        {
          runId: id,
          document: version.document,
          dataset,
          dataDir: options.dataDir,
          hyperparameters: h,
          backend,
        },
        worker,
      )
      emit('training.status', { runId: id, status: created.status, run: created })
      return created
    },
    'training.pause'({ runId }) {
      workers.send(runId, { type: 'pause' })
      return run(runId)
    },
    'training.stop'({ runId }) {
      const r = run(runId)
      if (!LIVE_STATUSES.includes(r.status)) return r
      workers.send(runId, { type: 'stop' })
      return r
    },
    'training.resume'({ runId, backend }) {
      if (workers.has(runId)) {
        const live = run(runId)
        if (backend && backend !== live.backend)
          throw new ApiError(
            'conflict',
            `Run '${runId}' is ${live.status} on ${live.backend ?? 'its backend'}, which it keeps: stop it, then resume it on ${backend}.`,
          )
        workers.send(runId, { type: 'resume' })
        return live
      }
      refresh()
      const r = run(runId)
      if (!r.resumable)
        throw new ApiError(
          'conflict',
          r.status === 'failed'
            ? `Run '${runId}' failed (${r.message ?? 'see its message'}); start a new run instead, for example with a lower learning rate.`
            : LIVE_STATUSES.includes(r.status)
              ? `Run '${runId}' is ${r.status} in another CNN Studio process; pause, stop or resume it there.`
              : `Run '${runId}' is ${r.status}; only a paused, stopped or interrupted run can be resumed.`,
        )
      const { runs, versions, db } = repos()
      const internals = runs.internals(runId)!
      const document = versions.document(r.versionId)!
      checkDataset(buildable(document), internals.datasetRef!)
      // Where it trained last unless asked: the backend it chose then is forced now.
      const target = backend ?? BACKEND_NAMES.find((b) => b === r.backend)
      preflight(document, r.hyperparameters, target, runId)
      const worker = workers.start()
      let resume: TrainJob['resume']
      try {
        resume = db
          .transaction(() => {
            if (!runs.claimForResume(runId, now()))
              throw new ApiError('conflict', `Run '${runId}' was resumed by another process just now.`)
            return runs.rewindToLastCheckpoint(runId)
          })
          .immediate()
      } catch (e) {
        void worker.terminate()
        throw e
      }
      workers.launch(
        runId,
        {
          runId,
          document,
          dataset: internals.datasetRef!,
          dataDir: options.dataDir,
          hyperparameters: r.hyperparameters,
          backend: target,
          resume,
        },
        worker,
      )
      return supervisor.announce(runId)
    },
    'training.backends'() {
      // Loading a backend costs seconds the first time and cannot change while the app runs.
      backends ??= backendReport().catch((e: Error) => {
        backends = undefined
        throw new ApiError('unavailable', e.message)
      })
      return backends
    },
    ...createRunsService(repos, runningHere, refresh),
    settled: (runId) => supervisor.settled(runId),
    close: () => workers.close(),
  }
}
