import { beforeAll, describe, expect, it } from 'vitest'
import { makeAdam } from './optimizer'
import { FUSED_ADAM } from '../tfjs/wasm-kernels/adam'
import { expectClose, rand, setUpWasm, tf } from '../tfjs/wasm-kernels/test-kit'

beforeAll(setUpWasm)

/** Three steps of an optimizer on two variables with fixed gradients; the weights and its saved state. */
async function steps(make: () => tf.Optimizer) {
  const a = tf.variable(tf.tensor2d(rand(12, 1), [3, 4]), true, 'opt-test/a')
  const b = tf.variable(tf.tensor1d(rand(5, 2)), true, 'opt-test/b')
  const opt = make()
  for (let i = 0; i < 3; i++) {
    const ga = tf.tensor2d(rand(12, 10 + i), [3, 4])
    const gb = tf.tensor1d(rand(5, 20 + i))
    opt.applyGradients({ 'opt-test/a': ga, 'opt-test/b': gb })
    tf.dispose([ga, gb])
  }
  const weights = [a.dataSync().slice(), b.dataSync().slice()]
  const state = await Promise.all(
    (await opt.getWeights()).map(async (w) => [w.name, await w.tensor.data()] as const),
  )
  tf.dispose([a, b])
  opt.dispose()
  return { weights, state }
}

describe('makeAdam', () => {
  it('runs the fused step on wasm, with the same weights and saved state as TF.js Adam', async () => {
    await tf.setBackend('wasm')
    expect(tf.getKernel(FUSED_ADAM, 'wasm')).toBeDefined()
    const runKernel = tf.engine().runKernel.bind(tf.engine())
    let fusedCalls = 0
    tf.engine().runKernel = ((name: string, ...rest: never[]) => {
      if (name === FUSED_ADAM) fusedCalls++
      return (runKernel as (...a: unknown[]) => unknown)(name, ...rest)
    }) as typeof runKernel
    let fused
    try {
      fused = await steps(() => makeAdam(tf, 0.01))
    } finally {
      tf.engine().runKernel = runKernel
    }
    expect(fusedCalls).toBe(3)
    const stock = await steps(() => tf.train.adam(0.01, 0.9, 0.999, 1e-7))
    expectClose(fused.weights[0], stock.weights[0], 1e-6)
    expectClose(fused.weights[1], stock.weights[1], 1e-6)
    expect(fused.state.map(([n]) => n)).toEqual(stock.state.map(([n]) => n))
    fused.state.forEach(([, v], i) => expectClose(v, stock.state[i][1], 1e-6))
  })

  it('falls back to TF.js Adam where the backend has no fused kernel', async () => {
    await tf.setBackend('cpu')
    const fused = await steps(() => makeAdam(tf, 0.01))
    const stock = await steps(() => tf.train.adam(0.01, 0.9, 0.999, 1e-7))
    expectClose(fused.weights[0], stock.weights[0], 1e-7)
    await tf.setBackend('wasm')
  })
})
