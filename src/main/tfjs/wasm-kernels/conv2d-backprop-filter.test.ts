import { beforeAll, describe, expect, it } from 'vitest'
import { conv2DBackpropFilter, gradConvPads, im2colT } from './conv2d-backprop-filter'
import { kernelEnv } from './index'
import {
  callKernel,
  conv2dRef,
  expectClose,
  expectGradient,
  f64,
  geometry,
  lossRef,
  rand,
  setUpWasm,
  size,
  tf,
  tfLoss,
  CONV_CASES,
  type Shape4,
} from './test-kit'

beforeAll(setUpWasm)

describe('Conv2DBackpropFilter on wasm', () => {
  for (const c of CONV_CASES) {
    it(`${c.name}: matches cpu and a float64 finite difference`, async () => {
      const xv = rand(size(c.x), 1)
      const fv = rand(size(c.f), 2)
      const g = geometry(c.x, c.f, c.s, c.pad)
      const rv = rand(g.batch * g.outH * g.outW * c.f[3], 3)
      const run = () => {
        const x = tf.tensor4d(xv, c.x)
        const r = tf.tensor(rv, [g.batch, g.outH, g.outW, c.f[3]])
        return tf.grad((w: tf.Tensor) => tfLoss(tf.conv2d(x, w as tf.Tensor4D, c.s, c.pad), r))(
          tf.tensor4d(fv, c.f),
        )
      }
      await expectGradient(run, fv, (w) => lossRef(conv2dRef(f64(xv), w, g, c.f[3]), f64(rv)))
    })
  }

  it('computes the same filter gradient as one convolution as from the columns, where no pad is negative', async () => {
    await tf.setBackend('wasm')
    const env = kernelEnv(tf)
    let convCases = 0
    for (const c of CONV_CASES) {
      const g = geometry(c.x, c.f, c.s, c.pad)
      const x = tf.tensor4d(rand(size(c.x), 6), c.x)
      const dy = tf.tensor4d(rand(g.batch * g.outH * g.outW * c.f[3], 7), [g.batch, g.outH, g.outW, c.f[3]])
      const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f }
      const columns = callKernel(conv2DBackpropFilter(env, undefined, 'columns'), { x, dy }, attrs)
      const conv = callKernel(conv2DBackpropFilter(env, undefined, 'conv'), { x, dy }, attrs)
      if (gradConvPads(g)) convCases++
      expectClose(conv.dataSync(), columns.dataSync(), 1e-5)
      tf.dispose([x, dy, columns, conv])
    }
    expect(convCases).toBeGreaterThanOrEqual(4) // the stride-1 cases at least
  })

  it('gives the same result in chunks of images as in one piece (big batches stay in bounded memory)', async () => {
    await tf.setBackend('wasm')
    const env = kernelEnv(tf)
    const [xs, fs]: [Shape4, Shape4] = [
      [5, 6, 7, 3],
      [3, 3, 3, 4],
    ]
    const g = geometry(xs, fs, 2, 'same')
    const x = tf.tensor4d(rand(size(xs), 4), xs)
    const dy = tf.tensor4d(rand(g.batch * g.outH * g.outW * 4, 5), [g.batch, g.outH, g.outW, 4])
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: fs }
    const whole = callKernel(conv2DBackpropFilter(env), { x, dy }, attrs)
    // A budget of one image's columns: 5 chunks, the last product added to the first four.
    const chunked = callKernel(conv2DBackpropFilter(env, 27 * g.outH * g.outW), { x, dy }, attrs)
    expect(chunked.shape).toEqual(fs)
    expectClose(chunked.dataSync(), whole.dataSync(), 1e-6)
    tf.dispose([x, dy, whole, chunked])
  })

  it('unrolls a padded, strided window into transposed columns', () => {
    // One image 3×3, one channel, values 1…9; a 2×2 window with stride 2 and 'same' padding.
    const g = { ...geometry([1, 3, 3, 1], [2, 2, 1, 1], 2, 'same') }
    expect([g.outH, g.outW, g.padTop, g.padLeft]).toEqual([2, 2, 0, 0])
    const heap = new Float32Array(9 + 16)
    heap.set([1, 2, 3, 4, 5, 6, 7, 8, 9])
    im2colT(heap, 0, 9, g, 0, 1)
    // Rows: taps (0,0), (0,1), (1,0), (1,1); columns: output pixels (0,0), (0,1), (1,0), (1,1).
    expect(Array.from(heap.subarray(9))).toEqual([1, 3, 7, 9, 2, 0, 8, 0, 4, 6, 0, 0, 5, 0, 0, 0])
  })
})
