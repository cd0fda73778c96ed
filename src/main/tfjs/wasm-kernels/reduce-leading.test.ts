import { beforeAll, describe, expect, it } from 'vitest'
import { leadingAxes } from './reduce-leading'
import { expectClose, on, rand, setUpWasm, tf } from './test-kit'

beforeAll(setUpWasm)

describe('Sum and Mean over leading axes on wasm', () => {
  const shape = [3, 4, 5, 6]
  const cases: [number | number[], boolean][] = [
    [[0, 1, 2], false], // BatchNorm statistics
    [[0, 1, 2], true],
    [[2, 0, 1], false],
    [0, false],
    [[-4, -3], true],
    [[1, 2], false], // not leading: the stock kernel
    [[3], false],
    [[0, 1, 2, 3], false],
  ]
  for (const [axis, keepDims] of cases) {
    it(`axis ${JSON.stringify(axis)}, keepDims ${keepDims}: matches cpu`, async () => {
      const v = rand(3 * 4 * 5 * 6, 81)
      const run = () => {
        const x = tf.tensor(v, shape)
        return [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims)]
      }
      const [wasmSum, wasmMean] = await on('wasm', run)
      const [cpuSum, cpuMean] = await on('cpu', run)
      expectClose(wasmSum, cpuSum, 1e-6)
      expectClose(wasmMean, cpuMean, 1e-6)
      const shapeOn = async (backend: string) => {
        await tf.setBackend(backend)
        return tf.tidy(() => tf.sum(tf.tensor(v, shape), axis, keepDims).shape)
      }
      expect(await shapeOn('wasm')).toEqual(await shapeOn('cpu'))
    })
  }

  it('recognises leading axes', () => {
    expect(leadingAxes([0, 1, 2], 4)).toBe(3)
    expect(leadingAxes([1, 0], 4)).toBe(2)
    expect(leadingAxes(-4, 4)).toBe(1)
    expect(leadingAxes([1, 2], 4)).toBe(0)
    expect(leadingAxes([0, 2], 4)).toBe(0)
  })
})
