import { beforeAll, describe, expect, it } from 'vitest'
import { depthwiseFilterGrad } from './depthwise-backprop-filter'
import {
  DEPTHWISE_CASES,
  depthwiseRef,
  expectGradient,
  f64,
  geometry,
  lossRef,
  rand,
  setUpWasm,
  size,
  tf,
  tfLoss,
} from './test-kit'

beforeAll(setUpWasm)

describe('DepthwiseConv2dNativeBackpropFilter on wasm', () => {
  for (const c of DEPTHWISE_CASES) {
    it(`${c.name}: matches cpu and a float64 finite difference`, async () => {
      const M = c.f[3]
      const xv = rand(size(c.x), 31)
      const fv = rand(size(c.f), 32)
      const g = geometry(c.x, c.f, c.s, c.pad, true)
      const outShape = [g.batch, g.outH, g.outW, g.inC * M]
      const rv = rand(size(outShape), 33)
      const run = () => {
        const x = tf.tensor4d(xv, c.x)
        const r = tf.tensor(rv, outShape)
        return tf.grad((w: tf.Tensor) => tfLoss(tf.depthwiseConv2d(x, w as tf.Tensor4D, c.s, c.pad), r))(
          tf.tensor4d(fv, c.f),
        )
      }
      await expectGradient(run, fv, (w) => lossRef(depthwiseRef(f64(xv), w, g, M), f64(rv)))
    })
  }

  it('sums input × output gradient per tap and channel', () => {
    // One 2×2 image with 2 channels, a 1×1 filter with multiplier 2: dW[c, m] = Σ x[·, c] · dy[·, 2c + m].
    const g = geometry([1, 2, 2, 2], [1, 1, 2, 2], 1, 'valid', true)
    const x = Float32Array.from([1, 10, 2, 20, 3, 30, 4, 40])
    const dy = Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1])
    const acc = new Float64Array(4)
    depthwiseFilterGrad(x, dy, acc, g, 2)
    expect(Array.from(acc)).toEqual([1 + 2 + 3 + 4, 4, 40, 10 + 20 + 30 + 40])
  })
})
