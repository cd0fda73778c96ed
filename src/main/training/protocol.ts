import type {
  BackendChoice,
  BatchProgress,
  DatasetRef,
  EngineChoice,
  EpochMetrics,
  Hyperparameters,
} from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import type { DatasetRow } from '../db/datasets-repo'
import type { Checkpoint, ResumeState, RunProgress } from '../model/checkpoint'

/** Messages between the training service (main thread) and the training worker thread. */

export interface TrainJob {
  runId: string
  document: GraphDocument
  dataset: DatasetRef
  dataDir: string
  hyperparameters: Hyperparameters
  backend?: BackendChoice
  /** What trains it: TF.js (this worker thread) when absent. */
  engine?: EngineChoice
  resume?: ResumeState
}

export type ToWorker =
  { type: 'start'; job: TrainJob } | { type: 'pause' } | { type: 'resume' } | { type: 'stop' }

/**
 * What a training engine reports about its run, in order: the worker thread posts these, and any
 * other engine is to report the same. The run supervisor (services/run-supervisor.ts) writes each
 * one to the repositories as it is, computing nothing from it.
 */
export type RunEvent =
  | {
      type: 'started'
      backend: string
      device: string
      /** The dataset as the `datasets` table registers it. */
      dataset: DatasetRow
      samples: { train: number; validation: number; test: number }
    }
  | ({ type: 'batch' } & Omit<BatchProgress, 'runId'>)
  | { type: 'epoch'; metrics: EpochMetrics }
  /** After every epoch: its checkpoint, and the run's progress with it (the best epoch's score included). */
  | { type: 'checkpoint'; checkpoint: Checkpoint; progress: RunProgress }
  | { type: 'paused' }
  | { type: 'resumed' }
  | {
      type: 'done'
      status: 'finished' | 'stopped' | 'failed'
      message: string | null
      test: { loss: number; accuracy: number } | null
      /** A failure resuming can get past (a lost GPU); the checkpoints were kept. */
      resumable?: boolean
    }

/**
 * A run's engine as the training service drives it: the surface of a worker thread it uses, so
 * the TF.js worker thread is one as it is, and the PyTorch engine (pytorch/torch-engine.ts), which
 * runs python in a child process, is another. It reports RunEvents as `message`s, ending with
 * `done` (or `exit` without one: the run failed); `terminate` ends it at once.
 */
export interface EngineWorker {
  postMessage(message: ToWorker): void
  on(event: 'message', listener: (event: RunEvent) => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
  on(event: 'exit', listener: (code: number) => void): unknown
  terminate(): Promise<unknown>
}
