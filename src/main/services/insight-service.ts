import { ApiError, type Handlers } from '../../shared/api/contract'
import type { Evaluation } from '../../shared/api/insight'
import type { DB } from '../db/connection'
import { createEvaluationsRepo } from '../db/evaluations-repo'
import { createGraphVersionsRepo } from '../db/graph-versions-repo'
import { createRunsRepo } from '../db/runs-repo'
import { createInferenceHost, type InferenceHost } from '../insight/inference-host'
import type { RunModelSpec } from '../insight/loaded-run'
import type { InsightOp } from '../insight/protocol'

export type InsightService = Pick<
  Handlers,
  | 'runs.evaluate'
  | 'runs.samples'
  | 'insight.activations'
  | 'insight.featureMap'
  | 'insight.weights'
  | 'insight.attribution'
  | 'insight.predict'
> & {
  /** Ends the inference worker. */
  closeInsight(): Promise<void>
}

/**
 * Inside trained runs (docs/insight.md): evaluation, sample images, every node's output, weights,
 * attribution and prediction, computed in the inference worker on the run's best checkpoint.
 * Evaluations are stored per run and split, and computed again when asked or when the best
 * checkpoint has changed since.
 */
export function createInsightService(
  getDb: () => DB,
  options: { dataDir: string; now?: () => Date; host?: InferenceHost },
): InsightService {
  const host = options.host ?? createInferenceHost()
  const now = options.now ?? (() => new Date())

  /** The run's best checkpoint as the worker loads it; refuses a run without one. */
  function modelOf(runId: string): { key: string; spec: () => RunModelSpec } {
    const db = getDb()
    const runs = createRunsRepo(db)
    const run = runs.detail(runId)
    if (!run) throw new ApiError('not-found', `No run with id '${runId}': it may have been deleted.`)
    const best = runs.bestWeights(runId)
    const dataset = runs.internals(runId)?.datasetRef
    if (!best || !dataset)
      throw new ApiError(
        'invalid',
        `Run '${runId}' has no saved weights: it is ${run.status} and finished no epoch. Train it for at least one epoch first.`,
      )
    const key = `${runId}@${best.epoch}`
    return {
      key,
      spec: () => ({
        key,
        runId,
        epoch: best.epoch,
        document: createGraphVersionsRepo(db).document(run.versionId)!,
        weights: best.weights,
        dataset,
        hyperparameters: run.hyperparameters,
        classes: run.classes,
        dataDir: options.dataDir,
      }),
    }
  }

  const ask = <T>(runId: string, request: InsightOp) => {
    const { key, spec } = modelOf(runId)
    return host.call<T>(key, spec, request)
  }

  return {
    async 'runs.evaluate'({ runId, split, recompute }) {
      const { key, spec } = modelOf(runId)
      const evaluations = createEvaluationsRepo(getDb())
      const epoch = Number(key.slice(key.lastIndexOf('@') + 1))
      const stored = recompute ? undefined : evaluations.get(runId, split, epoch)
      if (stored) return stored
      const computed = await host.call<Omit<Evaluation, 'createdAt'>>(key, spec, { op: 'evaluate', split })
      const evaluation: Evaluation = { ...computed, createdAt: now().toISOString() }
      evaluations.put(evaluation)
      return evaluation
    },
    'runs.samples': ({ runId, split, indices }) => ask(runId, { op: 'samples', split, indices }),
    'insight.activations': ({ runId, sample }) => ask(runId, { op: 'activations', sample }),
    'insight.featureMap': ({ runId, sample, nodeId }) => ask(runId, { op: 'featureMap', sample, nodeId }),
    'insight.weights': ({ runId, nodeId }) => ask(runId, { op: 'weights', nodeId }),
    'insight.attribution': ({ runId, sample, method, classIndex, nodeId }) =>
      ask(runId, { op: 'attribution', sample, method, classIndex, nodeId }),
    'insight.predict': ({ runId, images, top }) => ask(runId, { op: 'predict', images, top }),
    closeInsight: () => host.close(),
  }
}
