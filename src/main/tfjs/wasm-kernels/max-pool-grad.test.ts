import { beforeAll, describe, expect, it } from 'vitest'
import { kernelEnv } from './index'
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
  { name: '2×2 stride 2 valid', x: [2, 6, 8, 3], pool: [2, 2], s: 2, pad: 'valid' },
  { name: '3×3 stride 2 same, odd input', x: [2, 7, 9, 2], pool: [3, 3], s: 2, pad: 'same' },
  { name: '3×3 stride 1 same (overlapping windows)', x: [2, 5, 6, 2], pool: [3, 3], s: 1, pad: 'same' },
  { name: '2×3 strides [1, 2] valid', x: [3, 6, 7, 2], pool: [2, 3], s: [1, 2], pad: 'valid' },
  { name: '2×2 stride 2 same, odd input', x: [1, 5, 7, 4], pool: [2, 2], s: 2, pad: 'same' },
]

/** Distinct values 0.01 apart (no ties, none within a finite-difference step), shifted by `offset`. */
function distinct(n: number, seed: number, offset: number): Float32Array {
  const r = rand(n, seed)
  const order = Array.from(r.keys()).sort((a, b) => r[a] - r[b])
  const out = new Float32Array(n)
  order.forEach((at, rank) => (out[at] = rank * 0.01 + offset))
  return out
}

beforeAll(setUpWasm)

describe('MaxPoolGrad on wasm', () => {
  const grad = (xv: Float32Array, rv: Float32Array, c: Case) => () => {
    const g = geometry(c.x, [...c.pool, c.x[3], 1] as Shape4, c.s, c.pad)
    const r = tf.tensor(rv, [g.batch, g.outH, g.outW, g.inC])
    return tf.grad((x: tf.Tensor) => tfLoss(tf.maxPool(x as tf.Tensor4D, c.pool, c.s, c.pad), r))(
      tf.tensor4d(xv, c.x),
    )
  }

  for (const c of CASES) {
    const g = geometry(c.x, [...c.pool, c.x[3], 1] as Shape4, c.s, c.pad)
    const rv = rand(g.batch * g.outH * g.outW * g.inC, 41)
    for (const [sign, offset] of [
      ['mixed-sign', -size(c.x) * 0.005],
      ['all-negative', -size(c.x) * 0.01 - 1],
    ] as const) {
      it(`${c.name}, ${sign} values: matches cpu and a float64 finite difference`, async () => {
        const xv = distinct(size(c.x), 42, offset)
        const [wasm] = await on('wasm', grad(xv, rv, c))
        const [cpu] = await on('cpu', grad(xv, rv, c))
        expectClose(wasm, cpu, 1e-6)
        const fd = fdGrad(f64(xv), (x) => lossRef(poolRef(x, g, 'max'), f64(rv)))
        expectClose(wasm, fd, 1e-5)
        // Every window has a winner: the gradient reaching x sums to the gradient leaving the pool.
        const dy = poolRef(f64(xv), g, 'max').map((y, i) => y + rv[i])
        expect(wasm.reduce((a, b) => a + b, 0)).toBeCloseTo(
          dy.reduce((a, b) => a + b, 0),
          3,
        )
      })
    }

    it(`${c.name}, ties (small integers, some all-negative windows): credits the first maximum, as cpu`, async () => {
      const xv = rand(size(c.x), 43).map((v) => Math.floor(v * 2) - 1) // −3 … 0
      const [wasm] = await on('wasm', grad(xv, rv, c))
      const [cpu] = await on('cpu', grad(xv, rv, c))
      expectClose(wasm, cpu, 1e-6)
    })
  }

  it('credits the first of tied maxima in row-major window order, and all-negative windows', async () => {
    const x = [-3, -1, -2, -5, -1, -1, -7, -8, 2, 2, 1, 0, -4, -4, -4, -4]
    const [dx] = await on('wasm', () =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(
        tf.tensor4d(x, [1, 4, 4, 1]),
      ),
    )
    expect(Array.from(dx)).toEqual([0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0])
  })

  it('replaces a stock kernel that misplaces or drops the gradient of all-negative windows and credits the last tie', async () => {
    await tf.setBackend('wasm')
    const stock = kernelEnv(tf).stock.get('MaxPoolGrad')!
    const x = tf.tensor4d([-3, -1, -2, -5, -1, -1, -7, -8, 2, 2, 1, 0, -4, -4, -4, -4], [1, 4, 4, 1])
    const y = tf.maxPool(x, 2, 2, 'valid')
    const dy = tf.onesLike(y)
    const info = stock({
      inputs: { dy, input: x, output: y },
      backend: tf.backend(),
      attrs: { filterSize: 2, strides: 2, pad: 'valid' },
    }) as tf.TensorInfo
    const dx = tf.engine().makeTensorFromTensorInfo(info)
    expect(Array.from(dx.dataSync())).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0])
    tf.dispose([x, y, dy, dx])
  })
})
