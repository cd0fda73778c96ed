import path from 'node:path'
import {
  engineChoiceSchema,
  hyperparametersSchema,
  type DatasetRef,
  type EngineChoice,
  type RunStatus,
  type RunSummary,
} from '../../shared/api/training'
import { datasetId } from '../../shared/training/dataset-id'
import type { RunProgress } from '../model/checkpoint'

/** A `runs` row as SQLite returns it (joined with its version's project), and its TypeScript shapes. */
export interface RunRow {
  id: string
  project_id: string
  graph_version_id: number
  status: RunStatus
  dataset_ref: string | null
  dataset_name: string | null
  dataset_hash: string | null
  dataset_id: string | null
  classes: string | null
  engine: string
  engine_options: string | null
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
  owner_id: string | null
  heartbeat_at: string | null
  resumable: number
  created_at: string
  updated_at: string
}

/**
 * The id of the dataset a run asked for, before its worker registered the dataset (or after the
 * registration was deleted): a folder by its absolute path, as it is registered.
 */
const requestedId = (ref: DatasetRef) =>
  datasetId('folder' in ref ? { folder: path.resolve(ref.folder) } : ref)

export const SELECT = `SELECT r.*, v.project_id FROM runs r JOIN graph_versions v ON v.id = r.graph_version_id`

/** A run's progress as stored (the columns best_val_loss, best_epoch, best_val_score, stale_epochs). */
export const progressOf = (r: RunRow): RunProgress => ({
  bestValLoss: r.best_val_loss,
  bestEpoch: r.best_epoch,
  bestValScore: r.best_val_score,
  epochsWithoutImprovement: r.stale_epochs,
})

/** The run's engine with its options, as stored (`engine`, `engine_options`: JSON without the name). */
export const engineOf = (r: Pick<RunRow, 'engine' | 'engine_options'>): EngineChoice =>
  engineChoiceSchema.parse({ ...(r.engine_options ? JSON.parse(r.engine_options) : {}), name: r.engine })

/** The columns of an engine choice: its name, and its options as JSON (null when it has none). */
export function engineColumns(e: EngineChoice): { engine: string; engineOptions: string | null } {
  const { name, ...options } = e
  return { engine: name, engineOptions: Object.keys(options).length ? JSON.stringify(options) : null }
}

export const summaryOf = (r: RunRow): RunSummary => ({
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
  engine: engineOf(r),
  backend: r.backend,
  device: r.device,
  epochsDone: r.epochs_done,
  bestValScore: r.best_val_score,
  testAccuracy: r.test_accuracy,
  testLoss: r.test_loss,
  elapsedMs: r.elapsed_ms,
  message: r.error,
  resumable:
    r.status === 'stopped' || r.status === 'interrupted' || (r.status === 'failed' && r.resumable === 1),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})
