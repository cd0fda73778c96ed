import { beforeAll, describe, expect, it } from 'vitest'
import { windowCounts } from './avg-pool-grad'
import {
  expectClose,
  f64,
  fdGrad,
  geometry,
  lossRef,
  on,
  poolRef,
  rand,
  setUpWasm,
  size,
  tf,
  tfLoss,
  type Pad,
  type Shape4,
} from './test-kit'

interface Case {
  name: string
  x: Shape4
  pool: [number, number]
  s: number | [number, number]
  pad: Pad
}

const CASES: Case[] = [
  { name: '2×2 stride 2 valid (LeNet)', x: [2, 6, 8, 3], pool: [2, 2], s: 2, pad: 'valid' },
  { name: '3×3 stride 2 valid, odd input', x: [2, 7, 9, 2], pool: [3, 3], s: 2, pad: 'valid' },
  { name: '3×3 stride 2 same, odd input', x: [2, 7, 9, 2], pool: [3, 3], s: 2, pad: 'same' },
  { name: '3×3 stride 1 same', x: [2, 5, 6, 2], pool: [3, 3], s: 1, pad: 'same' },
  { name: '2×3 strides [1, 2] same', x: [3, 6, 7, 2], pool: [2, 3], s: [1, 2], pad: 'same' },
]

beforeAll(setUpWasm)

describe('AvgPoolGrad on wasm', () => {
  for (const c of CASES) {
    const g = geometry(c.x, [...c.pool, c.x[3], 1] as Shape4, c.s, c.pad)
    const padded = windowCounts(g).some((n) => n !== c.pool[0] * c.pool[1])
    it(`${c.name}: matches a float64 finite difference${padded ? '' : ' and cpu'}`, async () => {
      const xv = rand(size(c.x), 51)
      const rv = rand(g.batch * g.outH * g.outW * g.inC, 52)
      const run = () => {
        const r = tf.tensor(rv, [g.batch, g.outH, g.outW, g.inC])
        return [
          tf.grad((x: tf.Tensor) => tfLoss(tf.avgPool(x as tf.Tensor4D, c.pool, c.s, c.pad), r))(
            tf.tensor4d(xv, c.x),
          ),
          tf.avgPool(tf.tensor4d(xv, c.x), c.pool, c.s, c.pad),
        ]
      }
      const [wasm, wasmY] = await on('wasm', run)
      const [cpu] = await on('cpu', run)
      // The forward pass divides by the real pixels of each window: the gradient must follow it.
      expectClose(wasmY, poolRef(f64(xv), g, 'avg'), 1e-6)
      const fd = fdGrad(f64(xv), (x) => lossRef(poolRef(x, g, 'avg'), f64(rv)))
      expectClose(wasm, fd, 1e-5)
      if (!padded) expectClose(wasm, cpu, 1e-6)
      // TF.js 4.22's cpu (and stock wasm) AvgPoolGrad divide by the full window even where it
      // overlaps padding: off from the finite difference at the border.
      else expect(Math.max(...cpu.map((v, i) => Math.abs(v - fd[i])))).toBeGreaterThan(1e-2)
    })
  }

  it('counts the real pixels under each window', () => {
    const g = geometry([1, 4, 4, 1], [3, 3, 1, 1], 2, 'same')
    expect(Array.from(windowCounts(g))).toEqual([9, 6, 6, 4])
  })
})
