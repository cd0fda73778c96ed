import { randomUUID } from 'node:crypto'
import type { Worker } from 'node:worker_threads'
import { ApiError, type Handlers, type Request } from '../../shared/api/contract'
import {
  BACKEND_NAMES,
  engineChoiceSchema,
  hyperparametersSchema,
  TFJS_ENGINE,
  type BackendChoice,
  type BackendReport,
  type EngineChoice,
  type Hyperparameters,
  type DatasetRef,
  type RunSummary,
  type TorchReport,
} from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import type { GraphIo } from '../../shared/graph/io'
import { inferGraph } from '../../shared/graph/infer'
import { engineLabel, engineName } from '../../shared/training/engine'
import type { DB } from '../db/connection'
import { LIVE_STATUSES, type RunOwner } from '../db/runs-repo'
import { checkDatasetFor } from '../datasets/dataset-for-graph'
import { DatasetFileError } from '../datasets/idx'
import { checkBuildable, GraphBuildError } from '../model/buildable'
import { BackendUnavailableError, backendReport, expectedBackend, type BackendName } from '../tfjs/backends'
import { checkResources } from '../tfjs/check-resources'
import type { EngineWorker, TrainJob } from '../training/protocol'
import { findTorch } from '../pytorch/find-torch'
import { createTorchEngine } from '../pytorch/torch-engine'
import { checkTorchChoice } from '../pytorch/torch-preflight'
import { spawnTrainingWorker, spawnWorker } from '../workers/spawn-worker'
import type { Emit } from './emit'
import { interruptOrphanedRuns } from './interrupted-runs'
import { requireRun, runReposOver } from './run-repos'
import { createRunSupervisor } from './run-supervisor'
import { createRunsService, type RunsService } from './runs-service'
import { createTrainingWorkers } from './training-workers'

export type TrainingService = Pick<
  Handlers,
  | 'training.start'
  | 'training.pause'
  | 'training.resume'
  | 'training.stop'
  | 'training.backends'
  | 'training.engines'
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
  /** The TF.js worker factory, for tests. */
  spawn?: () => Worker
  /** For tests: where PyTorch is looked for (findTorch's report by default). */
  pytorch?: { find?: () => Promise<TorchReport> }
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
  const workers = createTrainingWorkers(supervisor, { closeTimeoutMs: options.closeTimeoutMs })
  const spawnTfjs = options.spawn ?? spawnTrainingWorker
  const torchReport = options.pytorch?.find ?? (() => findTorch())
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

  /**
   * What starts the run's engine, once what it needs is checked: a TF.js worker thread, or the
   * PyTorch engine when python and torch are found and offer the device and processes asked for
   * (`unavailable` or `invalid` otherwise, before any run is written).
   */
  async function torchSpawner(
    engine: Extract<EngineChoice, { name: 'pytorch' }>,
    resuming?: string,
  ): Promise<() => EngineWorker> {
    const found = checkTorchChoice(await torchReport(), engine, resuming)
    return () =>
      createTorchEngine({
        found,
        spawnDatasetThread: () => spawnWorker('dataset-worker'),
      })
  }

  /** A TF.js backend named for a PyTorch run: refused, saying what PyTorch takes instead. */
  function refuseBackend(backend: BackendChoice | undefined, resuming?: string) {
    if (backend)
      throw new ApiError(
        resuming ? 'conflict' : 'invalid',
        `${resuming ? `Run '${resuming}' trains on PyTorch, which it keeps: ` : ''}--backend ${backend} chooses a TF.js backend; a PyTorch run chooses its device instead (--device auto, cpu, cuda or mps).`,
      )
  }

  /**
   * Everything `training.start` checks that needs no engine: the project and version, the graph,
   * the hyperparameters, the dataset and, for TF.js, the resources of the backend it will get.
   */
  function checkStart(request: Request<'training.start'>, engine: EngineChoice) {
    const { projectId, versionId, dataset, hyperparameters, backend } = request
    const { versions, projects } = repos()
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
    // PyTorch's memory is its own: the TF.js estimate does not apply.
    if (engine.name === 'tfjs') preflight(version.document, h, backend)
    return { version: { id: version.id, document: version.document }, h, dataset, backend, engine }
  }

  /** Starts the engine, writes the run and gives the engine its job. */
  function startRun(c: ReturnType<typeof checkStart>, spawn: () => EngineWorker): RunSummary {
    const worker = workers.start(spawn)
    const id = randomUUID()
    let created: RunSummary
    try {
      created = repos().runs.create({
        id,
        versionId: c.version.id,
        dataset: c.dataset,
        datasetName: 'builtin' in c.dataset ? c.dataset.builtin : c.dataset.folder,
        hyperparameters: c.h,
        macs: inferGraph(c.version.document).totals.macs,
        engine: c.engine,
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
        document: c.version.document,
        dataset: c.dataset,
        dataDir: options.dataDir,
        hyperparameters: c.h,
        backend: c.backend,
        engine: c.engine,
      },
      worker,
    )
    emit('training.status', { runId: id, status: created.status, run: created })
    return created
  }

  /**
   * The engine a stopped or interrupted run goes on with: its own, with the PyTorch options asked
   * for (another device, other processes); another engine, or a TF.js backend for a PyTorch run,
   * is refused: a run's checkpoints hold its engine's optimizer state.
   */
  function resumedEngine(
    r: RunSummary,
    engine: EngineChoice | undefined,
    backend?: BackendChoice,
  ): EngineChoice {
    if (engine && engine.name !== r.engine.name)
      throw new ApiError(
        'conflict',
        `Run '${r.id}' trained on ${engineName(r.engine)}, which it keeps (its checkpoints hold ${engineName(r.engine)}'s optimizer state): resume it on ${engineName(r.engine)}, or start a new run on ${engineName(engine)}.`,
      )
    if (r.engine.name === 'pytorch') refuseBackend(backend, r.id)
    return engine ?? r.engine
  }

  /** Claims the run, rewinds it to its last checkpoint and gives a new engine the job. */
  function resumeRun(job: Omit<TrainJob, 'resume'>, spawn: () => EngineWorker): RunSummary {
    const { runs, db } = repos()
    const worker = workers.start(spawn)
    let resume: TrainJob['resume']
    try {
      resume = db
        .transaction(() => {
          if (!runs.claimForResume(job.runId, now()))
            throw new ApiError('conflict', `Run '${job.runId}' was resumed by another process just now.`)
          if (job.engine) runs.setEngine(job.runId, job.engine)
          return runs.rewindToLastCheckpoint(job.runId)
        })
        .immediate()
    } catch (e) {
      void worker.terminate()
      throw e
    }
    workers.launch(job.runId, { ...job, resume }, worker)
    return supervisor.announce(job.runId)
  }

  return {
    'training.start'(request) {
      // In-process callers (the CLI) pass requests unparsed: the options' defaults are applied here.
      const engine = engineChoiceSchema.parse(request.engine ?? TFJS_ENGINE)
      if (engine.name === 'pytorch') {
        refuseBackend(request.backend)
        const checked = checkStart(request, engine)
        return torchSpawner(engine).then((spawn) => startRun(checked, spawn))
      }
      return startRun(checkStart(request, engine), spawnTfjs)
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
    'training.resume'({ runId, backend, engine }) {
      if (workers.has(runId)) {
        const live = run(runId)
        if (engine && JSON.stringify(engineChoiceSchema.parse(engine)) !== JSON.stringify(live.engine))
          throw new ApiError(
            'conflict',
            `Run '${runId}' is ${live.status} on ${engineLabel(live.engine)}, which it keeps while it is live: stop it, then resume it with other options.`,
          )
        if (live.engine.name === 'pytorch') refuseBackend(backend, runId)
        else if (backend && backend !== live.backend)
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
      const choice = resumedEngine(r, engine && engineChoiceSchema.parse(engine), backend)
      const { runs, versions } = repos()
      const internals = runs.internals(runId)!
      const document = versions.document(r.versionId)!
      checkDataset(buildable(document), internals.datasetRef!)
      const job = {
        runId,
        document,
        dataset: internals.datasetRef!,
        dataDir: options.dataDir,
        hyperparameters: r.hyperparameters,
        engine: choice,
      }
      if (choice.name === 'pytorch') return torchSpawner(choice, runId).then((spawn) => resumeRun(job, spawn))
      // Where it trained last unless asked: the backend it chose then is forced now.
      const target = backend ?? BACKEND_NAMES.find((b) => b === r.backend)
      preflight(document, r.hyperparameters, target, runId)
      return resumeRun({ ...job, backend: target }, spawnTfjs)
    },
    'training.engines'() {
      return torchReport().then((pytorch) => ({ pytorch }))
    },
    'training.backends'() {
      // Loading a backend costs seconds the first time and cannot change while the app runs.
      backends ??= backendReport().catch((e: Error) => {
        backends = undefined
        throw new ApiError('unavailable', e.message)
      })
      return backends
    },
    ...createRunsService(repos, runningHere, refresh, options.dataDir),
    settled: (runId) => supervisor.settled(runId),
    close: () => workers.close(),
  }
}
