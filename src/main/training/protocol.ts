import type {
  BackendChoice,
  BatchProgress,
  DatasetRef,
  EpochMetrics,
  Hyperparameters,
} from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import type { Checkpoint, EarlyStopping, ResumeState } from '../model/checkpoint'

/** Messages between the training service (main thread) and the training worker thread. */

export interface TrainJob {
  runId: string
  document: GraphDocument
  dataset: DatasetRef
  dataDir: string
  hyperparameters: Hyperparameters
  backend?: BackendChoice
  resume?: ResumeState
}

export type ToWorker =
  { type: 'start'; job: TrainJob } | { type: 'pause' } | { type: 'resume' } | { type: 'stop' }

export type FromWorker =
  | {
      type: 'started'
      backend: string
      device: string
      dataset: {
        id: string
        name: string
        hash: string
        classes: string[]
        source: string
        sizeBytes: number
        samples: number
      }
      samples: { train: number; validation: number; test: number }
    }
  | ({ type: 'batch' } & Omit<BatchProgress, 'runId'>)
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'checkpoint'; checkpoint: Checkpoint; progress: EarlyStopping }
  | { type: 'paused' }
  | { type: 'resumed' }
  | {
      type: 'done'
      status: 'finished' | 'stopped' | 'failed'
      message: string | null
      test: { loss: number; accuracy: number } | null
    }
