import { beforeAll, describe, expect, it } from 'vitest'
import { expectClose, on, rand, setUpWasm, size, tf } from './test-kit'

beforeAll(setUpWasm)

describe('BatchMatMul on wasm', () => {
  const shapes = { a: [5, 7], b: [7, 3] }
  for (const transposeA of [false, true])
    for (const transposeB of [false, true]) {
      it(`transposeA ${transposeA}, transposeB ${transposeB}: matches cpu`, async () => {
        const aShape = transposeA ? [...shapes.a].reverse() : shapes.a
        const bShape = transposeB ? [...shapes.b].reverse() : shapes.b
        const av = rand(size(aShape), 61)
        const bv = rand(size(bShape), 62)
        const run = () => tf.matMul(tf.tensor(av, aShape), tf.tensor(bv, bShape), transposeA, transposeB)
        const [wasm] = await on('wasm', run)
        const [cpu] = await on('cpu', run)
        expectClose(wasm, cpu, 1e-6)
      })
    }

  it('keeps rank-3 batch-1 shapes, and hands batched products to the stock kernel', async () => {
    const run = (batch: number) => () =>
      tf.matMul(
        tf.tensor(rand(batch * 12, 63), [batch, 4, 3]),
        tf.tensor(rand(batch * 8, 64), [batch, 2, 4]),
        true,
        true,
      )
    for (const batch of [1, 2]) {
      const [wasm] = await on('wasm', run(batch))
      const [cpu] = await on('cpu', run(batch))
      expectClose(wasm, cpu, 1e-6)
      await tf.setBackend('wasm')
      expect(tf.tidy(() => run(batch)().shape)).toEqual([batch, 3, 2])
    }
  })

  it('gives a Dense layer the gradients cpu gives', async () => {
    const xv = rand(6 * 5, 67)
    const wv = rand(5 * 4, 68)
    const run = () => {
      const x = tf.tensor2d(xv, [6, 5])
      const w = tf.tensor2d(wv, [5, 4])
      return tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.matMul(xx, ww))))([x, w])
    }
    const [wasmDx, wasmDw] = await on('wasm', run)
    const [cpuDx, cpuDw] = await on('cpu', run)
    expectClose(wasmDx, cpuDx, 1e-6)
    expectClose(wasmDw, cpuDw, 1e-6)
  })
})
