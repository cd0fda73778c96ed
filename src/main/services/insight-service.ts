import { ApiError, type Handlers } from '../../shared/api/contract'
import type { DB } from '../db/connection'

export type InsightService = Pick<
  Handlers,
  | 'runs.evaluate'
  | 'runs.samples'
  | 'insight.activations'
  | 'insight.featureMap'
  | 'insight.weights'
  | 'insight.attribution'
  | 'insight.predict'
>

// WIP (issue 12): the inference worker lands in the next commits; until then each method says so.
export function createInsightService(_getDb: () => DB, _options: { dataDir: string }): InsightService {
  const notYet = (): never => {
    throw new ApiError('unavailable', 'Evaluation and activation views are being built (issue 12).')
  }
  return {
    'runs.evaluate': notYet,
    'runs.samples': notYet,
    'insight.activations': notYet,
    'insight.featureMap': notYet,
    'insight.weights': notYet,
    'insight.attribution': notYet,
    'insight.predict': notYet,
  }
}
