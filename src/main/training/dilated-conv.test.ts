import { beforeAll, describe, expect, it } from 'vitest'
import {
  atrous,
  dilatedDepthwiseConv2d,
  dilatedSeparableConv2d,
  unfusedConv2d,
} from '../../shared/layers/tfjs/dilated-conv'
import { expectClose, on, rand, setUpWasm, tf } from '../tfjs/wasm-kernels/test-kit'

beforeAll(setUpWasm)

type Pair = [number, number]
const CASES: {
  name: string
  x: [number, number, number, number]
  k: Pair
  d: Pair
  pad: 'same' | 'valid'
}[] = [
  { name: '3×3 dilation 2, same, odd input', x: [2, 9, 7, 3], k: [3, 3], d: [2, 2], pad: 'same' },
  { name: '3×3 dilation 2, valid', x: [2, 10, 9, 2], k: [3, 3], d: [2, 2], pad: 'valid' },
  { name: '2×3 dilations 3×2 (even kernel), same', x: [1, 11, 8, 2], k: [2, 3], d: [3, 2], pad: 'same' },
  {
    name: '3×3 dilation 4, same, input smaller than the reach',
    x: [2, 6, 5, 2],
    k: [3, 3],
    d: [4, 4],
    pad: 'same',
  },
]

/** The dilated kernel written out: (k − 1)·d + 1 taps per axis, zeros between the real ones. */
function spread(w: tf.Tensor4D, d: Pair): tf.Tensor4D {
  const [kh, kw, ci, co] = w.shape
  const eh = (kh - 1) * d[0] + 1
  const ew = (kw - 1) * d[1] + 1
  const src = w.dataSync()
  const out = new Float32Array(eh * ew * ci * co)
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      out.set(
        src.subarray((y * kw + x) * ci * co, (y * kw + x + 1) * ci * co),
        (y * d[0] * ew + x * d[1]) * ci * co,
      )
  return tf.tensor4d(out, [eh, ew, ci, co])
}

/** The taps of a spread kernel's gradient that belong to real kernel entries. */
function gather(g: tf.Tensor4D, k: Pair, d: Pair): Float32Array {
  const [, ew, ci, co] = g.shape
  const src = g.dataSync()
  const out = new Float32Array(k[0] * k[1] * ci * co)
  for (let y = 0; y < k[0]; y++)
    for (let x = 0; x < k[1]; x++)
      out.set(
        src.subarray((y * d[0] * ew + x * d[1]) * ci * co, (y * d[0] * ew + x * d[1] + 1) * ci * co),
        (y * k[1] + x) * ci * co,
      )
  return out
}

describe('atrous (dilated convolution through space-to-batch)', () => {
  for (const backend of ['cpu', 'wasm'] as const)
    for (const c of CASES)
      it(`${backend}, ${c.name}: the values of a dilated conv2d, and the gradients of its spread-out kernel`, async () => {
        const co = 4
        const xv = rand(
          c.x.reduce((a, b) => a * b),
          1,
        )
        const wv = rand(c.k[0] * c.k[1] * c.x[3] * co, 2)
        const [ours, direct, gx, gw, gxSpread, gwSpread] = await on(backend, () => {
          const x = tf.tensor4d(xv, c.x)
          const w = tf.tensor4d(wv, [...c.k, c.x[3], co])
          const viaAtrous = (x: tf.Tensor4D, w: tf.Tensor4D) =>
            atrous(tf, x, c.k, c.d, c.pad, (p) => tf.conv2d(p, w, 1, 'valid'))
          const y = viaAtrous(x, w)
          // A loss that weighs every output differently, so that any misplaced value shows.
          const r = tf.tensor(rand(y.size, 3), y.shape)
          const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, r))
          const [dx, dw] = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
            loss(viaAtrous(x as tf.Tensor4D, w as tf.Tensor4D)),
          )([x, w])
          const ws = spread(w, c.d)
          const [dxs, dws] = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
            loss(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, c.pad)),
          )([x, ws])
          return [
            y,
            tf.conv2d(x, w, 1, c.pad, 'NHWC', c.d),
            dx,
            dw,
            dxs,
            tf.tensor(gather(dws as tf.Tensor4D, c.k, c.d)),
          ]
        })
        expectClose(ours, direct, 1e-5)
        expectClose(gx, gxSpread, 1e-5)
        expectClose(gw, gwSpread, 1e-5)
      })
})

describe('the dilated layers train and compute what TF.js computes forward', () => {
  const input: [number, number, number, number] = [2, 9, 8, 4]
  const layers = {
    Conv2D: () => unfusedConv2d(tf, { filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same' }),
    DepthwiseConv2D: () =>
      dilatedDepthwiseConv2d(tf, { kernelSize: 3, depthMultiplier: 2, dilationRate: [2, 3] }),
    SeparableConv2D: () =>
      dilatedSeparableConv2d(tf, { filters: 3, kernelSize: [3, 2], dilationRate: [3, 2], padding: 'same' }),
  }
  const direct = {
    Conv2D: (x: tf.Tensor4D, [k, b]: tf.Tensor[]) =>
      tf.add(tf.conv2d(x, k as tf.Tensor4D, 1, 'same', 'NHWC', 2), b),
    DepthwiseConv2D: (x: tf.Tensor4D, [k, b]: tf.Tensor[]) =>
      tf.add(tf.depthwiseConv2d(x, k as tf.Tensor4D, 1, 'valid', 'NHWC', [2, 3]), b),
    SeparableConv2D: (x: tf.Tensor4D, [dk, pk, b]: tf.Tensor[]) =>
      tf.add(tf.separableConv2d(x, dk as tf.Tensor4D, pk as tf.Tensor4D, 1, 'same', [3, 2]), b),
  }
  for (const kind of Object.keys(layers) as (keyof typeof layers)[])
    it(`${kind}: forward equals the dilated op; every weight gets a finite, non-zero gradient on wasm`, async () => {
      await tf.setBackend('wasm')
      const layer = layers[kind]()
      const x = tf.tensor4d(
        rand(
          input.reduce((a, b) => a * b),
          4,
        ),
        [...input],
      )
      const y = layer.apply(x) as tf.Tensor4D
      expect(y.shape.slice(1)).toEqual((layer.computeOutputShape([...input]) as number[]).slice(1))
      const weights = layer.getWeights()
      // The bias is zero at initialisation: give it values so that a dropped bias would show.
      layer.setWeights([...weights.slice(0, -1), tf.fill(weights[weights.length - 1].shape, 0.5)])
      expectClose(
        (layer.apply(x) as tf.Tensor).dataSync(),
        direct[kind](x, layer.getWeights()).dataSync(),
        1e-5,
      )
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar)
      expect(Object.keys(grads)).toHaveLength(weights.length)
      for (const g of Object.values(grads)) {
        const v = g.dataSync()
        expect(v.every(Number.isFinite)).toBe(true)
        expect(v.some((e) => e !== 0)).toBe(true)
      }
      tf.dispose([x, y, ...Object.values(grads)])
      layer.dispose()
    })
})
