import type { AttributionMethod, EvalSplit, ImageFile, SampleSource } from '../../shared/api/insight'
import type { RunModelSpec } from './loaded-run'

/** Messages between the insight service (main thread) and the inference worker thread. */

/** One request about a loaded run. */
export type InsightOp =
  | { op: 'evaluate'; split: EvalSplit }
  | { op: 'samples'; split: EvalSplit; indices: number[] }
  | { op: 'activations'; sample: SampleSource }
  | { op: 'featureMap'; sample: SampleSource; nodeId: string }
  | { op: 'weights'; nodeId: string }
  | {
      op: 'attribution'
      sample: SampleSource
      method: AttributionMethod
      classIndex: number
      nodeId?: string
    }
  | { op: 'predict'; images: ImageFile[]; top: number }

export interface ToInsightWorker {
  id: number
  /** The run model the request is about (`RunModelSpec.key`). */
  key: string
  /** Sent when the worker may not hold the model yet. */
  spec?: RunModelSpec
  request: InsightOp
}

/**
 * `invalid`: the user can fix it (a sample out of range, a missing dataset); `missing`: the worker
 * no longer holds the model (send it again); `internal`: anything else.
 */
export type InsightFailure = 'invalid' | 'missing' | 'internal'

export type FromInsightWorker =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; failure: InsightFailure; message: string }
