import { beforeAll, describe, expect, it } from 'vitest'
import { col2im, conv2DBackpropInput, transposedPads } from './conv2d-backprop-input'
import { kernelEnv } from './index'
import {
  callKernel,
  CONV_CASES,
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
  type Shape4,
} from './test-kit'

beforeAll(setUpWasm)

describe('Conv2DBackpropInput on wasm', () => {
  for (const c of CONV_CASES) {
    it(`${c.name}: matches cpu and a float64 finite difference`, async () => {
      const xv = rand(size(c.x), 11)
      const fv = rand(size(c.f), 12)
      const g = geometry(c.x, c.f, c.s, c.pad)
      const rv = rand(g.batch * g.outH * g.outW * c.f[3], 13)
      const run = () => {
        const w = tf.tensor4d(fv, c.f)
        const r = tf.tensor(rv, [g.batch, g.outH, g.outW, c.f[3]])
        return tf.grad((x: tf.Tensor) => tfLoss(tf.conv2d(x as tf.Tensor4D, w, c.s, c.pad), r))(
          tf.tensor4d(xv, c.x),
        )
      }
      await expectGradient(run, xv, (x) => lossRef(conv2dRef(x, f64(fv), g, c.f[3]), f64(rv)))
    })
  }

  it('takes the convolution path for stride 1 and col2im otherwise', () => {
    expect(transposedPads(geometry([1, 8, 8, 1], [3, 3, 1, 1], 1, 'same'))).toEqual([1, 1, 1, 1])
    expect(transposedPads(geometry([1, 8, 8, 1], [2, 2, 1, 1], 1, 'same'))).toEqual([1, 0, 1, 0])
    expect(transposedPads(geometry([1, 8, 8, 1], [3, 3, 1, 1], 1, 'valid'))).toEqual([2, 2, 2, 2])
    const bigPad = geometry([1, 8, 8, 1], [3, 3, 1, 1], 1, [
      [0, 0],
      [4, 0],
      [0, 0],
      [0, 0],
    ])
    expect(transposedPads(bigPad)).toBeNull()
  })

  it('gives the same strided result in chunks of images as in one piece', async () => {
    await tf.setBackend('wasm')
    const env = kernelEnv(tf)
    const [xs, fs]: [Shape4, Shape4] = [
      [5, 7, 6, 3],
      [3, 3, 3, 4],
    ]
    const g = geometry(xs, fs, 2, 'same')
    const filter = tf.tensor4d(rand(size(fs), 14), fs)
    const dy = tf.tensor4d(rand(g.batch * g.outH * g.outW * 4, 15), [g.batch, g.outH, g.outW, 4])
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: xs }
    const whole = callKernel(conv2DBackpropInput(env), { dy, filter }, attrs)
    const chunked = callKernel(conv2DBackpropInput(env, 27 * g.outH * g.outW), { dy, filter }, attrs)
    expect(chunked.shape).toEqual(xs)
    expectClose(chunked.dataSync(), whole.dataSync(), 1e-6)
    tf.dispose([filter, dy, whole, chunked])
  })

  it('adds columns back into the pixels each window read (col2im)', () => {
    // One 3×3 image, one channel; a 2×2 window with stride 2 'same': 4 windows, the last three clipped.
    const g = geometry([1, 3, 3, 1], [2, 2, 1, 1], 2, 'same')
    const heap = new Float32Array(16 + 9)
    heap.set([1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400, 1000, 2000, 3000, 4000])
    col2im(heap, 0, 16, g, 0, 1)
    expect(Array.from(heap.subarray(16))).toEqual([1, 2, 10, 3, 4, 30, 100, 200, 1000])
  })
})
