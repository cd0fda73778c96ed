import { beforeAll, describe, expect, it } from 'vitest'
import { batchNormTraining, leanBatchNormalization } from '../../../shared/layers/tfjs/batch-norm'
import { expectClose, f64, fdGrad, on, rand, setUpWasm, size, tf } from './test-kit'

beforeAll(async () => {
  await setUpWasm()
  tf.env().set('IS_TEST', false) // (TF.js's per-kernel leak check misfires on custom-gradient ops)
})

/** y = γ(x − μ)/√(σ² + ε) + β per channel (last axis), batch statistics, in doubles. */
function bnRef(x: Float64Array, gamma: Float64Array, beta: Float64Array, eps: number): Float64Array {
  const C = gamma.length
  const n = x.length / C
  const y = new Float64Array(x.length)
  for (let c = 0; c < C; c++) {
    let mean = 0
    for (let i = c; i < x.length; i += C) mean += x[i] / n
    let variance = 0
    for (let i = c; i < x.length; i += C) variance += (x[i] - mean) ** 2 / n
    for (let i = c; i < x.length; i += C)
      y[i] = (gamma[c] * (x[i] - mean)) / Math.sqrt(variance + eps) + beta[c]
  }
  return y
}

describe('batchNormTraining', () => {
  const shape = [3, 4, 5, 6]
  const eps = 1e-3
  const xv = rand(size(shape), 101).map((v) => 3 * v + 0.5)
  const gv = rand(6, 102).map((v) => v + 1.5)
  const bv = rand(6, 103)
  const rv = rand(size(shape), 104)
  const loss = (y: tf.Tensor) =>
    tf.add(tf.sum(tf.mul(y, tf.tensor(rv, shape))), tf.mul(0.5, tf.sum(tf.square(y))))

  it('gives x, γ and β the gradients of TF.js composite batch normalisation and of a finite difference', async () => {
    const lean = () =>
      tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => loss(batchNormTraining(tf, x, g, b, eps)))([
        tf.tensor(xv, shape),
        tf.tensor(gv),
        tf.tensor(bv),
      ])
    const composite = () =>
      tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2])
        return loss(tf.batchNorm(x, mean, variance, b, g, eps))
      })([tf.tensor(xv, shape), tf.tensor(gv), tf.tensor(bv)])
    const wasm = await on('wasm', lean)
    const cpu = await on('cpu', composite)
    wasm.forEach((g, i) => expectClose(g, cpu[i], 1e-5))
    const lossRef = (x: Float64Array, g: Float64Array, b: Float64Array) =>
      bnRef(x, g, b, eps).reduce((a, y, i) => a + y * rv[i] + 0.5 * y * y, 0)
    expectClose(
      wasm[0],
      fdGrad(f64(xv), (x) => lossRef(x, f64(gv), f64(bv))),
      1e-4,
    )
    expectClose(
      wasm[1],
      fdGrad(f64(gv), (g) => lossRef(f64(xv), g, f64(bv))),
      1e-4,
    )
    expectClose(
      wasm[2],
      fdGrad(f64(bv), (b) => lossRef(f64(xv), f64(gv), b)),
      1e-4,
    )
  })

  it('hands out the batch mean and biased variance', async () => {
    await tf.setBackend('wasm')
    let stats: { mean: tf.Tensor; variance: tf.Tensor } | undefined
    tf.tidy(() =>
      batchNormTraining(tf, tf.tensor(xv, shape), tf.tensor(gv), tf.tensor(bv), eps, (s) => (stats = s)),
    )
    const { mean, variance } = tf.moments(tf.tensor(xv, shape), [0, 1, 2])
    expectClose(stats!.mean.dataSync(), mean.dataSync(), 1e-6)
    expectClose(stats!.variance.dataSync(), variance.dataSync(), 1e-6)
    tf.dispose([stats!.mean, stats!.variance, mean, variance])
  })
})

describe('leanBatchNormalization', () => {
  const shape = [4, 5, 3, 6]
  const xv = rand(size(shape), 111).map((v) => 2 * v)
  const rv = rand(size(shape), 112)

  /** One training step's loss gradients, the moving statistics after it, and the inference output. */
  const step =
    (lean: boolean, args = { momentum: 0.9 }) =>
    () => {
      const input = tf.input({ shape: shape.slice(1) })
      const layer = lean ? leanBatchNormalization(tf, args) : tf.layers.batchNormalization(args)
      const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor })
      const names = model.weights.map((w) => w.name.replace(/.*\//, ''))
      const n = model.getWeights().length
      model.setWeights(
        model.getWeights().map((w, i) => tf.add(w, tf.mul(rand(w.size, 113 + i), i < n - 2 ? 1 : 0.3))),
      )
      const x = tf.tensor(xv, shape)
      const { grads } = tf.variableGrads(() => {
        const y = model.apply(x, { training: true }) as tf.Tensor
        return tf.add(tf.sum(tf.mul(y, tf.tensor(rv, shape))), tf.sum(tf.square(y)))
      })
      const inference = model.apply(x) as tf.Tensor
      const out = [
        ...Object.values(grads),
        ...model
          .getWeights()
          .slice(-2)
          .map((w) => w.clone()),
        inference,
      ]
      model.dispose()
      return { names, out }
    }

  it('trains, updates its moving statistics and infers as tfjs-layers BatchNormalization', async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      let names: string[][] = []
      const run = (lean: boolean) => () => {
        const r = step(lean)()
        names.push(r.names)
        return r.out
      }
      const lean = await on(backend, run(true))
      const keras = await on(backend, run(false))
      expect(names[0]).toEqual(names[1])
      expect(names[0]).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance'])
      expect(lean.length).toBe(5)
      lean.forEach((v, i) => expectClose(v, keras[i], 2e-5))
      names = []
    }
  })

  it('serialises as BatchNormalization, and trains without γ or β (where tfjs-layers 4.22 throws)', async () => {
    await tf.setBackend('wasm')
    const layer = leanBatchNormalization(tf, { center: false, scale: false })
    expect(layer.getClassName()).toBe('BatchNormalization')
    const y = tf.tidy(() => layer.apply(tf.tensor(xv, shape), { training: true }) as tf.Tensor)
    const { mean, variance } = tf.moments(y, [0, 1, 2])
    expectClose(mean.dataSync(), new Float32Array(6), 1e-5)
    expectClose(variance.dataSync(), new Float32Array(6).fill(1), 1e-2)
    expect(() =>
      tf.layers.batchNormalization({ scale: false }).apply(tf.ones([2, 3]), { training: true }),
    ).toThrow(/reading 'read'/)
    tf.dispose([y, mean, variance])
    layer.dispose()
  })

  it('leaves the number of tensors and data as they were from one optimizer step to the next', async () => {
    await tf.setBackend('wasm')
    const input = tf.input({ shape: [6, 5, 3] })
    let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor
    h = tf.layers.reLU().apply(leanBatchNormalization(tf).apply(h)) as tf.SymbolicTensor
    const model = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 2 }).apply(tf.layers.flatten().apply(h)) as tf.SymbolicTensor,
    })
    const optimizer = tf.train.adam(1e-2)
    const x = tf.randomNormal([4, 6, 5, 3])
    const y = tf.oneHot(tf.tensor1d([0, 1, 1, 0], 'int32'), 2)
    const step = () =>
      optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      )
    step()
    const counts = () => [
      tf.memory().numTensors,
      (tf.backend() as unknown as { numDataIds(): number }).numDataIds(),
    ]
    const before = counts()
    for (let i = 0; i < 3; i++) {
      step()
      expect(counts()).toEqual(before)
    }
    tf.dispose([x, y])
    optimizer.dispose()
    model.dispose()
  })

  it('keeps far fewer bytes for the backward pass than the composite', async () => {
    await tf.setBackend('wasm')
    const peak = async (lean: boolean) => {
      const input = tf.input({ shape: [8, 8, 16] })
      let h = input
      for (let i = 0; i < 4; i++)
        h = (lean ? leanBatchNormalization(tf) : tf.layers.batchNormalization()).apply(h) as tf.SymbolicTensor
      const model = tf.model({ inputs: input, outputs: h })
      const x = tf.randomNormal([16, 8, 8, 16])
      const info = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(() =>
          tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)),
        )
        tf.dispose([value, ...Object.values(grads)])
      })
      x.dispose()
      model.dispose()
      return info.peakBytes
    }
    expect(await peak(true)).toBeLessThan(0.5 * (await peak(false)))
  })
})
