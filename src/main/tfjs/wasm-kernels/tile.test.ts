import { beforeAll, describe, expect, it } from 'vitest'
import { tileInto } from './tile'
import { on, rand, setUpWasm, size, tf } from './test-kit'

beforeAll(setUpWasm)

describe('Tile on wasm', () => {
  const cases: [number[], number[]][] = [
    [
      [1, 1, 1, 5],
      [3, 4, 2, 1],
    ], // a BatchNorm gradient's per-channel scale
    [
      [2, 3],
      [2, 3],
    ],
    [[3], [4]],
    [
      [2, 1, 3],
      [1, 5, 2],
    ],
    [
      [2, 2, 2, 2],
      [1, 1, 1, 1],
    ],
    [
      [2, 3],
      [0, 2],
    ],
  ]
  for (const [shape, reps] of cases) {
    it(`tiles [${shape}] by [${reps}] as cpu does, for float32 and int32`, async () => {
      const v = rand(size(shape), 71)
      const iv = Int32Array.from(v, (x) => Math.round(x * 1000))
      const run = () => [tf.tile(tf.tensor(v, shape), reps), tf.tile(tf.tensor(iv, shape, 'int32'), reps)]
      const [wasmF, wasmI] = await on('wasm', run)
      const [cpuF, cpuI] = await on('cpu', run)
      expect(Array.from(wasmF)).toEqual(Array.from(cpuF))
      expect(Array.from(wasmI)).toEqual(Array.from(cpuI))
    })
  }

  it('tiles bools through the stock kernel', async () => {
    const [out] = await on('wasm', () => tf.tile(tf.tensor([true, false], [2], 'bool'), [2]))
    expect(Array.from(out)).toEqual([1, 0, 1, 0])
  })

  it('doubles blocks in place', () => {
    const heap = new Float32Array(2 + 12)
    heap.set([1, 2])
    tileInto(heap, 0, 2, [1, 2], [2, 3])
    expect(Array.from(heap.subarray(2))).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2])
  })
})
