import { randomUUID } from 'node:crypto'
import {
  TFJS_ENGINE,
  type DatasetRef,
  type EngineChoice,
  type EpochMetrics,
  type Hyperparameters,
  type RunDetail,
  type RunStatus,
  type RunSummary,
} from '../../shared/api/training'
import type { Checkpoint, ResumeState, RunProgress } from '../model/checkpoint'
import type { DB } from './connection'
import { engineColumns, progressOf, SELECT, summaryOf as summary, type RunRow } from './run-rows'

/** Statuses of a run some process is (or was, until it was killed) working on. */
export const LIVE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused']
const LIVE_SQL = LIVE_STATUSES.map((x) => `'${x}'`).join(', ')

/**
 * Who trains a run: the process, and the training service instance in it (two instances in one
 * process over one database tell their runs apart by `id`).
 */
export interface RunOwner {
  pid: number
  id: string
}

/** A stored live run with who claims it and when it last reported. */
export interface LiveRun {
  run: RunSummary
  ownerPid: number | null
  ownerId: string | null
  /** The last heartbeat (ISO time); the last update for runs stored before heartbeats. */
  heartbeatAt: string
}

/**
 * The `runs`, `run_metrics` and `checkpoints` tables. Epoch metrics are rows (kind train or
 * validation, name loss/accuracy/lr/samples_per_second, batch NULL); per-batch losses are rows
 * with their step in `batch`; test results live on the run. Only the last and the best checkpoint
 * of a run are kept (ResNet-50 with Adam: 25.6 M parameters × 4 bytes × 3 (weights, two moments) ≈ 300 MB each).
 */
export function createRunsRepo(db: DB, owner: RunOwner = { pid: process.pid, id: randomUUID() }) {
  const s = {
    insert: db.prepare(
      `INSERT INTO runs (id, graph_version_id, dataset_ref, dataset_name, status, seed, hyperparameters, macs, engine, engine_options, owner_pid, owner_id, heartbeat_at, created_at, updated_at)
       VALUES (@id, @versionId, @datasetRef, @datasetName, 'queued', @seed, @hyperparameters, @macs, @engine, @engineOptions, @pid, @owner, @now, @now, @now)`,
    ),
    get: db.prepare<[string], RunRow>(`${SELECT} WHERE r.id = ?`),
    list: db.prepare<[string], RunRow>(
      `${SELECT} WHERE v.project_id = ? ORDER BY r.created_at DESC, r.rowid DESC`,
    ),
    listAll: db.prepare<[], RunRow>(`${SELECT} ORDER BY r.created_at DESC, r.rowid DESC`),
    live: db.prepare<[], RunRow>(`${SELECT} WHERE r.status IN (${LIVE_SQL})`),
    // A live status claims the run for this owner, with a fresh heartbeat; any other releases it.
    status: db.prepare(
      `UPDATE runs SET status = @status, error = @message, resumable = 0,
       owner_pid = CASE WHEN @live THEN @pid END, owner_id = CASE WHEN @live THEN @owner END,
       heartbeat_at = CASE WHEN @live THEN @now ELSE heartbeat_at END, updated_at = @now WHERE id = @id`,
    ),
    interrupt: db.prepare(
      `UPDATE runs SET status = 'interrupted', error = @message, owner_pid = NULL, owner_id = NULL, updated_at = @now
       WHERE id = @id AND status IN (${LIVE_SQL}) AND coalesce(heartbeat_at, updated_at) = @seen`,
    ),
    fail: db.prepare(
      `UPDATE runs SET status = 'failed', error = @message, resumable = @resumable, owner_pid = NULL, owner_id = NULL,
       updated_at = @now WHERE id = @id AND owner_id = @owner AND status IN (${LIVE_SQL})`,
    ),
    claim: db.prepare(
      `UPDATE runs SET status = 'queued', error = NULL, resumable = 0, owner_pid = @pid, owner_id = @owner,
       heartbeat_at = @now, updated_at = @now
       WHERE id = @id AND (status IN ('interrupted', 'stopped') OR (status = 'failed' AND resumable = 1))`,
    ),
    started: db.prepare(
      `UPDATE runs SET status = 'running', backend = @backend, device = @device, dataset_id = @datasetId,
       dataset_hash = @datasetHash, dataset_name = @datasetName, classes = @classes, error = NULL,
       owner_pid = @pid, owner_id = @owner, heartbeat_at = @now, updated_at = @now WHERE id = @id`,
    ),
    elapsed: db.prepare(`UPDATE runs SET elapsed_ms = elapsed_ms + @ms, updated_at = @now WHERE id = @id`),
    heartbeat: db.prepare(
      `UPDATE runs SET heartbeat_at = @now, elapsed_ms = elapsed_ms + @ms
       WHERE id = @id AND owner_id = @owner AND status IN (${LIVE_SQL})`,
    ),
    metric: db.prepare(
      `INSERT INTO run_metrics (run_id, epoch, batch, kind, name, value) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    epochRows: db.prepare<[string], { epoch: number; kind: string; name: string; value: number }>(
      `SELECT epoch, kind, name, value FROM run_metrics WHERE run_id = ? AND batch IS NULL ORDER BY epoch, id`,
    ),
    batchRows: db.prepare<[string], { epoch: number; batch: number; value: number }>(
      `SELECT epoch, batch, value FROM run_metrics WHERE run_id = ? AND batch IS NOT NULL ORDER BY batch`,
    ),
    dropAfter: db.prepare(`DELETE FROM run_metrics WHERE run_id = ? AND epoch > ?`),
    dropAll: db.prepare(`DELETE FROM run_metrics WHERE run_id = ?`),
    restart: db.prepare(
      `UPDATE runs SET epochs_done = 0, best_val_loss = NULL, best_epoch = NULL, best_val_score = NULL,
       stale_epochs = 0, test_accuracy = NULL, test_loss = NULL WHERE id = ?`,
    ),
    checkpoint: db.prepare(
      `INSERT INTO checkpoints (run_id, epoch, created_at, weights, optimizer, is_best) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, epoch) DO UPDATE SET weights = excluded.weights, optimizer = excluded.optimizer,
       is_best = excluded.is_best, created_at = excluded.created_at`,
    ),
    unbest: db.prepare(`UPDATE checkpoints SET is_best = 0 WHERE run_id = ? AND epoch <> ?`),
    prune: db.prepare(`DELETE FROM checkpoints WHERE run_id = ? AND epoch < ? AND is_best = 0`),
    progress: db.prepare(
      `UPDATE runs SET epochs_done = @epoch, best_val_loss = @bestValLoss, best_epoch = @bestEpoch,
       best_val_score = @bestValScore, stale_epochs = @epochsWithoutImprovement, updated_at = @now WHERE id = @id`,
    ),
    checkpoints: db.prepare<[string], { epoch: number; is_best: number; created_at: string }>(
      `SELECT epoch, is_best, created_at FROM checkpoints WHERE run_id = ? ORDER BY epoch`,
    ),
    lastCheckpoint: db.prepare<
      [string],
      { epoch: number; weights: Buffer; optimizer: Buffer | null; is_best: number }
    >(
      `SELECT epoch, weights, optimizer, is_best FROM checkpoints WHERE run_id = ? ORDER BY epoch DESC LIMIT 1`,
    ),
    bestCheckpoint: db.prepare<[string], { epoch: number; weights: Buffer }>(
      `SELECT epoch, weights FROM checkpoints WHERE run_id = ? AND is_best = 1 ORDER BY epoch DESC LIMIT 1`,
    ),
    test: db.prepare(
      `UPDATE runs SET test_accuracy = @accuracy, test_loss = @loss, updated_at = @now WHERE id = @id`,
    ),
    engine: db.prepare(`UPDATE runs SET engine = @engine, engine_options = @engineOptions WHERE id = @id`),
    delete: db.prepare<[string]>(`DELETE FROM runs WHERE id = ?`),
  }

  const repo = {
    create(run: {
      id: string
      versionId: number
      dataset: DatasetRef
      datasetName: string
      hyperparameters: Hyperparameters
      macs: number
      /** TF.js when absent. */
      engine?: EngineChoice
      now: string
    }): RunSummary {
      s.insert.run({
        id: run.id,
        versionId: run.versionId,
        datasetRef: JSON.stringify(run.dataset),
        datasetName: run.datasetName,
        seed: run.hyperparameters.seed,
        hyperparameters: JSON.stringify(run.hyperparameters),
        macs: run.macs,
        ...engineColumns(run.engine ?? TFJS_ENGINE),
        pid: owner.pid,
        owner: owner.id,
        now: run.now,
      })
      return repo.get(run.id)!
    },
    get(id: string): RunSummary | undefined {
      const r = s.get.get(id)
      return r && summary(r)
    },
    /** The stored row's extras the service needs to restart a run. */
    internals(id: string) {
      const r = s.get.get(id)
      return (
        r && {
          datasetRef: r.dataset_ref ? (JSON.parse(r.dataset_ref) as DatasetRef) : null,
          ownerPid: r.owner_pid,
        }
      )
    },
    /** A project's runs, newest first; every project's without one. */
    list(projectId?: string): RunSummary[] {
      return (projectId === undefined ? s.listAll.all() : s.list.all(projectId)).map(summary)
    },
    /** Runs marked queued, running or paused, with who claims them and when it last reported. */
    live(): LiveRun[] {
      return s.live.all().map((r) => ({
        run: summary(r),
        ownerPid: r.owner_pid,
        ownerId: r.owner_id,
        heartbeatAt: r.heartbeat_at ?? r.updated_at,
      }))
    },
    /** Sets the status; a live one claims the run for this repository's owner, any other releases it. */
    setStatus(id: string, status: RunStatus, message: string | null, now: string): void {
      const live = LIVE_STATUSES.includes(status) ? 1 : 0
      s.status.run({ id, status, message, live, pid: owner.pid, owner: owner.id, now })
    },
    /**
     * Marks a live run interrupted, unless it reported again since its heartbeat `seen` was read
     * (its owner is alive after all). True when it was marked.
     */
    interrupt(id: string, message: string, seen: string, now: string): boolean {
      return s.interrupt.run({ id, message, seen, now }).changes === 1
    },
    /**
     * Fails a live run this owner trains; `resumable` when the failure was the database's. False
     * when the run is not (any more) this owner's: another process took it over.
     */
    fail(id: string, message: string, resumable: boolean, now: string): boolean {
      return s.fail.run({ id, message, resumable: resumable ? 1 : 0, owner: owner.id, now }).changes === 1
    },
    /**
     * Claims a stopped, interrupted or resumably failed run for this owner as `queued`, atomically:
     * false when it is not (any more) in such a state, e.g. another process resumed it first.
     */
    claimForResume(id: string, now: string): boolean {
      return s.claim.run({ id, pid: owner.pid, owner: owner.id, now }).changes === 1
    },
    /** Replaces a run's engine options (a resumed PyTorch run on another device); the name stays the caller's check. */
    setEngine(id: string, engine: EngineChoice): void {
      s.engine.run({ id, ...engineColumns(engine) })
    },
    /**
     * Records that this owner still trains the run, adding `ms` of training time since the last
     * call: a killed run's elapsed time counts up to its last heartbeat. False when the run is no
     * longer this owner's live run (another process found it stale and took it over).
     */
    heartbeat(id: string, ms: number, now: string): boolean {
      return s.heartbeat.run({ id, ms: Math.max(0, Math.round(ms)), owner: owner.id, now }).changes === 1
    },
    setStarted(
      id: string,
      info: {
        backend: string
        device: string
        /** The `datasets` row, when the dataset is registered there. */
        datasetId: string | null
        datasetHash: string | null
        datasetName: string
        classes: string[]
      },
      now: string,
    ): void {
      s.started.run({
        id,
        ...info,
        classes: JSON.stringify(info.classes),
        pid: owner.pid,
        owner: owner.id,
        now,
      })
    },
    addElapsed(id: string, ms: number, now: string): void {
      s.elapsed.run({ id, ms: Math.max(0, Math.round(ms)), now })
    },
    addEpoch(id: string, m: EpochMetrics): void {
      db.transaction(() => {
        const put = (kind: string, name: string, value: number | undefined) => {
          if (value !== undefined && Number.isFinite(value))
            s.metric.run(id, m.epoch, null, kind, name, value)
        }
        put('train', 'loss', m.trainLoss)
        put('train', 'accuracy', m.trainAccuracy)
        put('train', 'lr', m.learningRate)
        put('train', 'samples_per_second', m.samplesPerSecond)
        put('validation', 'loss', m.valLoss)
        put('validation', 'accuracy', m.valAccuracy)
      })()
    },
    addBatchLoss(id: string, epoch: number, step: number, loss: number): void {
      if (Number.isFinite(loss)) s.metric.run(id, epoch, step, 'train', 'batch_loss', loss)
    },
    /**
     * Stores an epoch's checkpoint and the run's progress in one transaction; keeps only this one
     * and the best.
     */
    saveCheckpoint(id: string, c: Checkpoint, progress: RunProgress, now: string): void {
      db.transaction(() => {
        s.checkpoint.run(id, c.epoch, now, c.weights, c.optimizer, c.isBest ? 1 : 0)
        if (c.isBest) s.unbest.run(id, c.epoch)
        s.prune.run(id, c.epoch)
        s.progress.run({ id, epoch: c.epoch, ...progress, now })
      })()
    },
    /**
     * Rewinds a run to its last checkpoint before it is resumed: **deletes** the metrics of any
     * later, unfinished epoch (so the history continues without duplicates), and returns that
     * checkpoint with the run's progress then. Undefined when no epoch finished: the run starts
     * over, so all its metrics are deleted and its progress reset.
     */
    rewindToLastCheckpoint(id: string): ResumeState | undefined {
      const last = s.lastCheckpoint.get(id)
      const r = s.get.get(id)
      if (!r) return undefined
      if (!last) {
        db.transaction(() => {
          s.dropAll.run(id)
          s.restart.run(id)
        })()
        return undefined
      }
      s.dropAfter.run(id, last.epoch)
      return {
        checkpoint: {
          epoch: last.epoch,
          weights: new Uint8Array(last.weights),
          optimizer: new Uint8Array(last.optimizer ?? new Uint8Array()),
          isBest: last.is_best === 1,
        },
        ...progressOf(r),
      }
    },
    bestWeights(id: string): { epoch: number; weights: Uint8Array } | undefined {
      const b = s.bestCheckpoint.get(id)
      return b && { epoch: b.epoch, weights: new Uint8Array(b.weights) }
    },
    setTest(id: string, test: { accuracy: number; loss: number }, now: string): void {
      s.test.run({ id, ...test, now })
    },
    detail(id: string): RunDetail | undefined {
      const r = s.get.get(id)
      if (!r) return undefined
      const byEpoch = new Map<number, EpochMetrics>()
      for (const row of s.epochRows.all(id)) {
        const m = byEpoch.get(row.epoch) ?? {
          epoch: row.epoch,
          trainLoss: NaN,
          trainAccuracy: NaN,
          learningRate: NaN,
          samplesPerSecond: NaN,
        }
        const key = `${row.kind}.${row.name}`
        if (key === 'train.loss') m.trainLoss = row.value
        else if (key === 'train.accuracy') m.trainAccuracy = row.value
        else if (key === 'train.lr') m.learningRate = row.value
        else if (key === 'train.samples_per_second') m.samplesPerSecond = row.value
        else if (key === 'validation.loss') m.valLoss = row.value
        else if (key === 'validation.accuracy') m.valAccuracy = row.value
        byEpoch.set(row.epoch, m)
      }
      return {
        ...summary(r),
        epochs: [...byEpoch.values()],
        batches: s.batchRows.all(id).map((b) => ({ epoch: b.epoch, step: b.batch, loss: b.value })),
        checkpoints: s.checkpoints
          .all(id)
          .map((c) => ({ epoch: c.epoch, isBest: c.is_best === 1, createdAt: c.created_at })),
        classes: r.classes ? (JSON.parse(r.classes) as string[]) : [],
      }
    },
    delete(id: string): void {
      s.delete.run(id)
    },
  }
  return repo
}

export type RunsRepo = ReturnType<typeof createRunsRepo>
