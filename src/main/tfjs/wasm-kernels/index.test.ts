import { beforeAll, describe, expect, it } from 'vitest'
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './index'
import { expectClose, f64, fdGrad, on, rand, setUpWasm, size, tf, tfLoss } from './test-kit'

beforeAll(async () => {
  await setUpWasm()
  // TF.js's per-kernel leak check (on in the kernel tests) misfires on composite ops with custom
  // gradients (fused matMul, softmax cross-entropy save intermediates): here the steps are checked whole.
  tf.env().set('IS_TEST', false)
})

const heapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length
const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds()

describe('registerWasmTrainingKernels', () => {
  it('registers every kernel for wasm, and a second call changes nothing', async () => {
    await tf.setBackend('wasm')
    const names = registerWasmTrainingKernels(tf)
    expect(names).toEqual([...WASM_TRAINING_KERNELS])
    expect(names).toEqual(
      expect.arrayContaining([
        'Conv2DBackpropFilter',
        'Conv2DBackpropInput',
        'DepthwiseConv2dNativeBackpropInput',
        'DepthwiseConv2dNativeBackpropFilter',
        'MaxPoolGrad',
        'AvgPoolGrad',
      ]),
    )
    const before = names.map((n) => tf.getKernel(n, 'wasm').kernelFunc)
    expect(registerWasmTrainingKernels(tf)).toEqual(names)
    expect(names.map((n) => tf.getKernel(n, 'wasm').kernelFunc)).toEqual(before)
    // Still computes (a replacement that found itself as the stock kernel would recurse forever).
    const [y] = await on('wasm', () => tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]), false, true))
    expect(Array.from(y)).toEqual([3, 3, 3, 3])
  })
})

/** A small network with every kind of gradient these kernels serve. */
function smallModel(): tf.LayersModel {
  const input = tf.input({ shape: [10, 9, 3] })
  let x = tf.layers
    .conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' })
    .apply(input) as tf.SymbolicTensor
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor
  x = tf.layers
    .depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same' })
    .apply(x) as tf.SymbolicTensor
  x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor
  const output = tf.layers.dense({ units: 4 }).apply(x) as tf.SymbolicTensor
  return tf.model({ inputs: input, outputs: output })
}

describe('training on wasm keeps TF.js bookkeeping exact', () => {
  it('optimizer.minimize and tf.variableGrads steps leave tensors, data and heap as they were', async () => {
    await tf.setBackend('wasm')
    const model = smallModel()
    const optimizer = tf.train.adam(1e-2)
    const x = tf.tensor4d(rand(8 * 10 * 9 * 3, 91), [8, 10, 9, 3])
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4)
    const loss = () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor)
    const minimizeStep = () => optimizer.minimize(() => loss() as tf.Scalar, true)!
    const gradsStep = () => {
      const { value, grads } = tf.variableGrads(() => loss() as tf.Scalar)
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })))
      tf.dispose(grads)
      return value
    }
    const losses: number[] = []
    const record = (l: tf.Scalar) => {
      losses.push(l.dataSync()[0])
      l.dispose()
    }
    record(minimizeStep()) // The first step creates the optimizer's slots.
    record(gradsStep())
    const counts = { tensors: tf.memory().numTensors, dataIds: dataIds(), heap: heapBytes() }
    for (let i = 0; i < 4; i++) {
      record(i % 2 ? gradsStep() : minimizeStep())
      expect({ tensors: tf.memory().numTensors, dataIds: dataIds(), heap: heapBytes() }).toEqual(counts)
    }
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]) // And it learns.
    tf.dispose([x, labels])
    optimizer.dispose()
    model.dispose()
  })
})

describe('every layer kind trains on wasm with the gradients of cpu', () => {
  /** Conv, BatchNorm, depthwise ×2, separable, max/avg pools, zero padding, concat, add, global pools, dropout, dense, activations. */
  function everyLayer(): tf.LayersModel {
    const L = tf.layers
    const ap = (l: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
      l.apply(x) as tf.SymbolicTensor
    const input = tf.input({ shape: [12, 10, 3] })
    let a = ap(L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }), input)
    a = ap(L.batchNormalization(), a)
    const b = ap(
      L.depthwiseConv2d({
        kernelSize: 3,
        depthMultiplier: 2,
        strides: 2,
        padding: 'same',
        activation: 'elu',
      }),
      a,
    )
    const c = ap(
      L.separableConv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }),
      a,
    )
    const m = ap(L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), a)
    const z = ap(
      L.zeroPadding2d({
        padding: [
          [1, 0],
          [0, 2],
        ],
      }),
      ap(L.concatenate(), [b, c, m]),
    )
    const d = ap(
      L.conv2d({ filters: 17, kernelSize: 2, strides: 1, padding: 'same', activation: 'relu6' }),
      z,
    )
    const s = ap(L.activation({ activation: 'swish' }), ap(L.add(), [d, z]))
    const p = ap(L.averagePooling2d({ poolSize: 2, strides: 2, padding: 'valid' }), s)
    const q = ap(
      L.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'valid', activation: 'sigmoid' }),
      s,
    )
    const all = ap(L.concatenate(), [
      ap(L.globalAveragePooling2d({}), p),
      ap(L.globalMaxPooling2d({}), p),
      ap(L.flatten(), p),
      ap(L.flatten(), q),
    ])
    let h = ap(L.dense({ units: 6 }), ap(L.dropout({ rate: 0.3, seed: 7 }), all))
    h = ap(L.leakyReLU({ alpha: 0.2 }), h)
    return tf.model({ inputs: input, outputs: ap(L.dense({ units: 3, activation: 'softmax' }), h) })
  }

  it('matches cpu for every weight', async () => {
    const xv = rand(4 * 12 * 10 * 3, 92).map((v) => 2 * v)
    const yv = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]
    await tf.setBackend('cpu')
    const cpuModel = everyLayer()
    const weights = cpuModel.getWeights().map((w) => ({ values: w.dataSync().slice(), shape: w.shape }))
    const gradsOf = (model: tf.LayersModel) => () => {
      const x = tf.tensor4d(xv, [4, 12, 10, 3])
      const y = tf.tensor2d(yv, [4, 3])
      const { grads } = tf.variableGrads(
        () =>
          tf.losses.softmaxCrossEntropy(
            y,
            tf.log(model.apply(x, { training: true }) as tf.Tensor),
          ) as tf.Scalar,
      )
      return model.trainableWeights.map((w) => grads[w.originalName ?? w.name] ?? grads[w.name])
    }
    const cpu = await on('cpu', gradsOf(cpuModel))
    await tf.setBackend('wasm')
    const wasmModel = everyLayer()
    wasmModel.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)))
    const wasm = await on('wasm', gradsOf(wasmModel))
    expect(wasm.length).toBe(cpuModel.trainableWeights.length)
    expect(wasm.length).toBeGreaterThan(15)
    wasm.forEach((g, i) => expectClose(g, cpu[i], 2e-5))
    cpuModel.dispose()
    wasmModel.dispose()
  })

  it('local response normalisation (stock wasm LRN and LRNGrad): matches cpu and a float64 finite difference', async () => {
    const shape = [2, 3, 2, 7]
    const [r, bias, alpha, beta] = [2, 1.5, 0.3, 0.75]
    const xv = rand(size(shape), 93).map((v) => 2 * v)
    const rv = rand(size(shape), 94)
    const run = () =>
      tf.grad((x: tf.Tensor) =>
        tfLoss(tf.localResponseNormalization(x as tf.Tensor4D, r, bias, alpha, beta), tf.tensor(rv, shape)),
      )(tf.tensor(xv, shape))
    const [wasm] = await on('wasm', run)
    const [cpu] = await on('cpu', run)
    expectClose(wasm, cpu, 1e-5)
    const C = shape[3]
    const lrn = (x: Float64Array) =>
      x.map((v, i) => {
        const c = i % C
        let sum = 0
        for (let k = Math.max(0, c - r); k <= Math.min(C - 1, c + r); k++) sum += x[i - c + k] ** 2
        return v / Math.pow(bias + alpha * sum, beta)
      })
    const fd = fdGrad(f64(xv), (x) => lrn(x).reduce((a, y, i) => a + y * rv[i] + 0.5 * y * y, 0), 1e-4)
    expectClose(wasm, fd, 1e-5)
  })
})
