import type * as tfjs from '@tensorflow/tfjs'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { LAYER_KINDS, LAYERS } from '../src/shared/layers/registry'
import type { Tfjs } from '../src/shared/layers/tfjs/types'
import type { Shape } from '../src/shared/tensor/shape'
import { expectClose, openSwiftShaderWebGpu, rand } from '../src/main/tfjs/test-kit'
import { invalidVariants, LAYER_CASES, type LayerCase } from './fixtures/layer-cases'

/**
 * Every layer kind, in every variant that takes its own code path, computes on webgpu what it
 * computes on the cpu backend: the output in training and in inference mode, the gradient of a
 * scalar loss for every weight and every input, and BatchNorm's moving averages after the step.
 *
 * Tolerance: max |webgpu − cpu| ≤ 1e-5 · max(1, max |cpu|), per tensor. Both compute in float32
 * (ε = 1.2e-7) but sum in different orders (a GPU in workgroup trees, the cpu backend left to
 * right) and take exp, pow and tanh from different libraries (Vulkan lets them be a few ulp off):
 * the largest difference measured on SwiftShader is 7e-7 of the scale (BatchNorm's and Conv2D's
 * input gradients), so 1e-5 leaves a 14× margin. A wrong tap, pad, bias, mask or ε moves values
 * by 1e-3 of the scale or far more.
 */
const TOL = 1e-5

let tf: Tfjs
beforeAll(async () => {
  tf = await openSwiftShaderWebGpu()
})
afterEach(() => {
  vi.restoreAllMocks()
})

type Tensor = tfjs.Tensor
type Named = [name: string, values: Float32Array, shape: number[]]

/** The case's layer alone between Inputs and the model output, built as build-model builds it. */
function oneLayerModel(c: LayerCase): tfjs.LayersModel {
  const spec = LAYERS[c.kind]
  const p = spec.params.parse(c.params) as never
  const inputShapes: Shape[] = c.inputs.map((s) => [null, ...s.slice(1)])
  const out = spec.inferShape(p, inputShapes)
  if (!out.shape) throw new Error(`${c.name}: ${out.error?.message}`)
  const inputs = c.inputs.map((s) => tf.input({ shape: s.slice(1) }))
  const layer = spec.toTfjs!(tf, p, {
    name: 'layer',
    inputShapes,
    outputShape: out.shape,
    seed: 1,
    inputIsConstant: c.first,
    weightsFollow: true,
  })
  const y =
    typeof layer === 'function' ? layer(inputs) : layer.apply(inputs.length === 1 ? inputs[0] : inputs)
  return tf.model({ inputs, outputs: y as tfjs.SymbolicTensor })
}

/**
 * Weight values for the case: every weight drawn (no zero biases, no unit γ to hide a dropped
 * term); BatchNorm's moving statistics in [0.5, 1), a valid variance.
 */
function weightValues(model: tfjs.LayersModel): Float32Array[] {
  const trainable = new Set(model.trainableWeights.map((w) => w.name))
  return model.weights.map((w, i) => {
    const r = rand(
      w.shape.reduce((a: number, b) => a * (b ?? 1), 1),
      100 + i,
    )
    return trainable.has(w.name) ? r.map((v) => 0.5 * v) : r.map((v) => 0.75 + 0.25 * v)
  })
}

async function read(named: [string, Tensor][]): Promise<Named[]> {
  return Promise.all(
    named.map(async ([name, t]) => [name, (await t.data()) as Float32Array, t.shape] as Named),
  )
}

/**
 * On `backend`: builds the case's model with `weights`, runs it in training mode and takes the
 * gradient of Σ y·r + ½ Σ y² (r fixed: every output weighs differently, so a misplaced value shows)
 * for every trainable weight and, unless the layer is first, every input; then its output in
 * inference mode and its weights after the step (BatchNorm's moving averages move).
 */
async function runOn(backend: 'cpu' | 'webgpu', c: LayerCase, weights: Float32Array[]): Promise<Named[]> {
  expect(await tf.setBackend(backend)).toBe(true)
  const model = oneLayerModel(c)
  tf.tidy(() => model.setWeights(weights.map((w, i) => tf.tensor(w, model.weights[i].shape as number[]))))
  const xs = c.inputs.map((s, i) =>
    tf.variable(
      tf.tensor(
        rand(
          s.reduce((a, b) => a * b),
          10 + i,
        ).map((v) => v * (c.scale ?? 1)),
        s,
      ),
    ),
  )
  const feed = xs.length === 1 ? xs[0] : xs
  const vars = [...model.trainableWeights.map((w) => w.read() as tfjs.Variable), ...(c.first ? [] : xs)]
  // Dropout's mask comes from a generator seeded with Math.random, on the CPU for either backend:
  // pinned, both draw the same mask.
  vi.spyOn(Math, 'random').mockReturnValue(0.25)
  let y: Tensor | undefined
  const { value, grads } = tf.variableGrads(() => {
    const out = model.apply(feed, { training: true }) as Tensor
    y = tf.keep(out)
    const r = tf.tensor(rand(out.size, 7), out.shape)
    return tf.add(tf.sum(tf.mul(out, r)), tf.mul(0.5, tf.sum(tf.square(out)))) as tfjs.Scalar
  }, vars)
  vi.restoreAllMocks()
  for (const v of vars)
    if (!grads[v.name]) throw new Error(`${c.name}: no gradient for ${v.name} on ${backend}`)
  const inference = model.apply(feed, { training: false }) as Tensor
  const result = await read([
    ['loss', value],
    ['output (training)', y!],
    ['output (inference)', inference],
    ...vars.map((v, i): [string, Tensor] => [
      i < model.trainableWeights.length
        ? `gradient of ${model.trainableWeights[i].originalName}`
        : `gradient of input ${i - model.trainableWeights.length}`,
      grads[v.name],
    ]),
    ...model.nonTrainableWeights.map((w): [string, Tensor] => [`${w.originalName} after`, w.read()]),
  ])
  tf.dispose([value, y!, inference, ...Object.values(grads), ...xs])
  model.dispose()
  return result
}

describe('every layer kind on webgpu computes what the cpu backend computes, forward and backward', () => {
  it('the cases cover every layer kind with a TF.js layer, and only Input has none', () => {
    expect(invalidVariants()).toEqual([])
    expect(new Set(LAYER_CASES.map((c) => c.kind))).toEqual(new Set(LAYER_KINDS.filter((k) => k !== 'Input')))
    expect(LAYER_KINDS.filter((k) => !LAYERS[k].toTfjs)).toEqual(['Input'])
  })

  it.each(LAYER_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await tf.setBackend('cpu')
    const built = oneLayerModel(c)
    const weights = weightValues(built)
    built.dispose()
    const cpu = await runOn('cpu', c, weights)
    const gpu = await runOn('webgpu', c, weights)
    expect(gpu.map(([n, , s]) => [n, s])).toEqual(cpu.map(([n, , s]) => [n, s]))
    if (c.kind === 'Dropout') {
      // The mask is compared, not an identity: some values are dropped in training.
      const [training, inference] = [cpu[1][1], cpu[2][1]]
      expect(training.some((v, k) => v === 0 && inference[k] !== 0)).toBe(true)
    }
    cpu.forEach(([name, expected], i) => {
      expect(expected.every(Number.isFinite), `${name} finite on cpu`).toBe(true)
      expectClose(gpu[i][1], expected, TOL, name)
    })
  })
})
