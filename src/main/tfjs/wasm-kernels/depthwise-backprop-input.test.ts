import { beforeAll, describe, it } from 'vitest'
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

describe('DepthwiseConv2dNativeBackpropInput on wasm', () => {
  for (const c of DEPTHWISE_CASES) {
    it(`${c.name}: matches cpu and a float64 finite difference`, async () => {
      const M = c.f[3]
      const xv = rand(size(c.x), 21)
      const fv = rand(size(c.f), 22)
      const g = geometry(c.x, c.f, c.s, c.pad, true)
      const outShape = [g.batch, g.outH, g.outW, g.inC * M]
      const rv = rand(size(outShape), 23)
      const run = () => {
        const w = tf.tensor4d(fv, c.f)
        const r = tf.tensor(rv, outShape)
        return tf.grad((x: tf.Tensor) => tfLoss(tf.depthwiseConv2d(x as tf.Tensor4D, w, c.s, c.pad), r))(
          tf.tensor4d(xv, c.x),
        )
      }
      await expectGradient(run, xv, (x) => lossRef(depthwiseRef(x, f64(fv), g, M), f64(rv)))
    })
  }
})
