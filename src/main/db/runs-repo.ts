import path from 'node:path'
import {
  hyperparametersSchema,
  type DatasetRef,
  type EpochMetrics,
  type Hyperparameters,
  type RunDetail,
  type RunStatus,
  type RunSummary,
} from '../../shared/api/training'
import type { Checkpoint, ResumeState, RunProgress } from '../model/checkpoint'
import { datasetId } from '../../shared/training/dataset-id'
import type { DB } from './connection'

interface RunRow {
  id: string
  project_id: string
  graph_version_id: number
  status: RunStatus
  dataset_ref: string | null
  dataset_name: string | null
  dataset_hash: string | null
  dataset_id: string | null
  classes: string | null
  backend: string | null
  device: string | null
  hyperparameters: string
  best_val_score: number | null
  best_val_loss: number | null
  best_epoch: number | null
  stale_epochs: number
  epochs_done: number
  test_accuracy: number | null
  test_loss: number | null
  elapsed_ms: number
  error: string | null
  owner_pid: number | null
  created_at: string
  updated_at: string
}

/**
 * The id of the dataset a run asked for, before its worker registered the dataset (or after the
 * registration was deleted): a folder by its absolute path, as it is registered.
 */
const requestedId = (ref: DatasetRef) =>
  datasetId('folder' in ref ? { folder: path.resolve(ref.folder) } : ref)

const SELECT = `SELECT r.*, v.project_id FROM runs r JOIN graph_versions v ON v.id = r.graph_version_id`

/** Statuses of a run some process is (or was, until it was killed) working on. */
export const LIVE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused']

/**
 * The `runs`, `run_metrics` and `checkpoints` tables. Epoch metrics are rows (kind train or
 * validation, name loss/accuracy/lr/samples_per_second, batch NULL); per-batch losses are rows
 * with their step in `batch`; test results live on the run. Only the last and the best checkpoint
 * of a run are kept (ResNet-50 with Adam: 25.6 M parameters × 4 bytes × 3 (weights, two moments) ≈ 300 MB each).
 */
export function createRunsRepo(db: DB) {
  const s = {
    insert: db.prepare(
      `INSERT INTO runs (id, graph_version_id, dataset_ref, dataset_name, status, seed, hyperparameters, macs, owner_pid, created_at, updated_at)
       VALUES (@id, @versionId, @datasetRef, @datasetName, 'queued', @seed, @hyperparameters, @macs, @pid, @now, @now)`,
    ),
    get: db.prepare<[string], RunRow>(`${SELECT} WHERE r.id = ?`),
    list: db.prepare<[string], RunRow>(
      `${SELECT} WHERE v.project_id = ? ORDER BY r.created_at DESC, r.rowid DESC`,
    ),
    live: db.prepare<[], RunRow>(
      `${SELECT} WHERE r.status IN (${LIVE_STATUSES.map((x) => `'${x}'`).join(', ')})`,
    ),
    status: db.prepare(
      `UPDATE runs SET status = @status, error = @message, owner_pid = @pid, updated_at = @now WHERE id = @id`,
    ),
    started: db.prepare(
      `UPDATE runs SET status = 'running', backend = @backend, device = @device, dataset_id = @datasetId,
       dataset_hash = @datasetHash, dataset_name = @datasetName, classes = @classes, error = NULL,
       owner_pid = @pid, updated_at = @now WHERE id = @id`,
    ),
    elapsed: db.prepare(`UPDATE runs SET elapsed_ms = elapsed_ms + @ms, updated_at = @now WHERE id = @id`),
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
    delete: db.prepare<[string]>(`DELETE FROM runs WHERE id = ?`),
  }

  /** A run's progress as stored (the columns best_val_loss, best_epoch, best_val_score, stale_epochs). */
  const progressOf = (r: RunRow): RunProgress => ({
    bestValLoss: r.best_val_loss,
    bestEpoch: r.best_epoch,
    bestValScore: r.best_val_score,
    epochsWithoutImprovement: r.stale_epochs,
  })

  const summary = (r: RunRow): RunSummary => ({
    id: r.id,
    projectId: r.project_id,
    versionId: r.graph_version_id,
    status: r.status,
    dataset: r.dataset_ref
      ? {
          id: r.dataset_id ?? requestedId(JSON.parse(r.dataset_ref) as DatasetRef),
          name: r.dataset_name ?? '',
          hash: r.dataset_hash,
        }
      : null,
    hyperparameters: hyperparametersSchema.parse(JSON.parse(r.hyperparameters)),
    backend: r.backend,
    device: r.device,
    epochsDone: r.epochs_done,
    bestValScore: r.best_val_score,
    testAccuracy: r.test_accuracy,
    testLoss: r.test_loss,
    elapsedMs: r.elapsed_ms,
    message: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  })

  const repo = {
    create(run: {
      id: string
      versionId: number
      dataset: DatasetRef
      datasetName: string
      hyperparameters: Hyperparameters
      macs: number
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
        pid: process.pid,
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
    list(projectId: string): RunSummary[] {
      return s.list.all(projectId).map(summary)
    },
    /** Runs marked queued, running or paused, with the process that owns them. */
    live(): { run: RunSummary; ownerPid: number | null }[] {
      return s.live.all().map((r) => ({ run: summary(r), ownerPid: r.owner_pid }))
    },
    setStatus(id: string, status: RunStatus, message: string | null, now: string): void {
      s.status.run({ id, status, message, pid: LIVE_STATUSES.includes(status) ? process.pid : null, now })
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
      s.started.run({ id, ...info, classes: JSON.stringify(info.classes), pid: process.pid, now })
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
     * checkpoint with the run's progress then. Undefined (and nothing deleted) when no epoch finished.
     */
    rewindToLastCheckpoint(id: string): ResumeState | undefined {
      const last = s.lastCheckpoint.get(id)
      const r = s.get.get(id)
      if (!last || !r) return undefined
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
