import { describe, expect, it } from 'vitest'
import { ApiError, METHOD_NAMES } from '../../shared/api/contract'
import { createInPageApi, TRAINING_UNAVAILABLE } from './local'

describe('in-page services', () => {
  it('answer every training, runs, insight and datasets method with unavailable, saying what can train', async () => {
    const api = createInPageApi()
    const calls = [
      api.training.start({ projectId: 'p', dataset: { builtin: 'mnist' } }),
      api.training.pause({ runId: 'r' }),
      api.training.resume({ runId: 'r' }),
      api.training.stop({ runId: 'r' }),
      api.training.backends(),
      api.training.engines(),
      api.runs.list({ id: 'p' }),
      api.runs.get({ runId: 'r' }),
      api.runs.delete({ runId: 'r' }),
      api.runs.graph({ runId: 'r' }),
      api.runs.evaluate({ runId: 'r' }),
      api.runs.samples({ runId: 'r', indices: [0] }),
      api.insight.activations({ runId: 'r', sample: { kind: 'dataset', index: 0 } }),
      api.insight.featureMap({ runId: 'r', sample: { kind: 'dataset', index: 0 }, nodeId: 'n' }),
      api.insight.weights({ runId: 'r', nodeId: 'n' }),
      api.insight.attribution({
        runId: 'r',
        sample: { kind: 'dataset', index: 0 },
        method: 'saliency',
        classIndex: 0,
      }),
      api.insight.predict({ runId: 'r', images: [{ name: 'a.png', data: 'AAAA' }] }),
      api.datasets.list(),
      api.datasets.preview({ dataset: { folder: '/x' } }),
      api.datasets.download({ id: 'cifar10' }),
    ]
    expect(calls).toHaveLength(
      METHOD_NAMES.filter((m) => /^(training|runs|insight|datasets)\./.test(m)).length,
    )
    for (const call of calls) {
      const error = await call.catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ApiError)
      expect(error).toMatchObject({ code: 'unavailable', message: TRAINING_UNAVAILABLE })
    }
    expect(TRAINING_UNAVAILABLE).toContain('desktop app')
    expect(TRAINING_UNAVAILABLE).toContain('cnn-studio serve')
  })
})
