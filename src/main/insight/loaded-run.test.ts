import { describe, expect, it } from 'vitest'
import { hyperparametersSchema } from '../../shared/api/training'
import { base64ToFloat32 } from '../../shared/tensor/base64'
import { getTemplate } from '../../shared/templates'
import { tempDir } from '../db/test-kit'
import { buildModel } from '../model/build-model'
import { encodeTensors } from '../model/checkpoint'
import { getWeights } from '../model/weights'
import { writeTinyMnist } from '../services/test-kit'
import { loadBackend } from '../tfjs/backends'
import { LoadedRun, type RunModelSpec } from './loaded-run'
import { createTfjsRunner } from './tfjs-runner'

/** LeNet-5 with seeded weights over a tiny MNIST (20 training, 10 test images). */
async function setup(): Promise<{
  spec: RunModelSpec
  tfjs: () => Promise<ReturnType<typeof createTfjsRunner>>
}> {
  const { tf } = await loadBackend({ force: 'cpu' })
  const dataDir = tempDir('cnn-studio-insight-')
  writeTinyMnist(dataDir, 20, 10)
  const document = getTemplate('lenet5-mnist')!.document
  const built = buildModel(tf, document, { seed: 3, purpose: 'export' })
  const weights = encodeTensors(await getWeights(built.model))
  built.model.dispose()
  const runner = createTfjsRunner(tf)
  return {
    spec: {
      key: 'r@1',
      runId: 'r',
      epoch: 1,
      document,
      weights,
      dataset: { builtin: 'mnist' },
      hyperparameters: hyperparametersSchema.parse({ validationSplit: 0 }),
      classes: Array.from({ length: 10 }, (_, i) => String(i)),
      dataDir,
    },
    tfjs: async () => runner,
  }
}

describe('a run loaded for inference', () => {
  it('runs on TF.js, saying why, where onnxruntime cannot load the model, with the same numbers', async () => {
    const { spec, tfjs } = await setup()
    const onnx = new LoadedRun(spec, tfjs)
    const fallback = new LoadedRun(spec, tfjs, () => Promise.reject(new Error('unsupported operator Foo')))
    const a = await onnx.evaluate('test')
    const b = await fallback.evaluate('test')
    expect(a).toMatchObject({ engine: 'onnxruntime', engineNote: null, samples: 10 })
    expect(b.engine).toBe('tfjs')
    expect(b.engineNote).toBe(
      'onnxruntime could not run this model (unsupported operator Foo); TF.js ran it instead',
    )
    expect(b.confusion).toEqual(a.confusion)
    expect(b.loss).toBeCloseTo(a.loss, 5)

    // Every node's output agrees between the two engines.
    const sample = { kind: 'dataset' as const, split: 'test' as const, index: 4 }
    const x = await onnx.activations(sample)
    const y = await fallback.activations(sample)
    expect(y.engine).toBe('tfjs')
    expect(Object.keys(y.nodes).sort()).toEqual(Object.keys(x.nodes).sort())
    for (const id of Object.keys(x.nodes)) {
      const [p, q] = await Promise.all([onnx.featureMap(sample, id), fallback.featureMap(sample, id)])
      expect(q.shape).toEqual(p.shape)
      const u = base64ToFloat32(p.values)
      const v = base64ToFloat32(q.values)
      expect(Math.max(...Array.from(u, (value, i) => Math.abs(value - v[i])))).toBeLessThan(1e-4)
    }
    await onnx.release()
    await fallback.release()
  }, 60_000)

  it('refuses a validation split the run does not have, a sample out of range and a block id for weights', async () => {
    const { spec, tfjs } = await setup()
    const run = new LoadedRun(spec, tfjs)
    await expect(run.evaluate('validation')).rejects.toThrow(
      /no validation split .* evaluate it on the test split/,
    )
    await expect(run.activations({ kind: 'dataset', split: 'test', index: 10 })).rejects.toThrow(
      /Sample 10 is not in the test split: it holds samples 0 to 9/,
    )
    expect(() => run.weightsOf('nope')).toThrow(/no node 'nope'/)
    expect(run.weightsOf('conv1').tensors.map((t) => t.name)).toEqual(['kernel', 'bias'])
    await run.release()
  })
})
