/**
 * Helpers for the kernel tests: the wasm backend with our kernels, runs on 'cpu' and 'wasm' from the
 * same values, float64 reference implementations of the forward ops, and central finite differences.
 */
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { expectClose, rand } from '../test-kit'
import { windowOf, type Window } from './conv2d-backprop-filter'
import { registerWasmTrainingKernels } from './index'
import type { WasmBackend, WasmKernelFunc } from './wasm-backend'

export { tf, expectClose, rand }
export type Shape4 = [number, number, number, number]
export type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding

/**
 * Initialises wasm (once per test file), registers our kernels, and turns on TF.js's own check that
 * no kernel leaves data behind (IS_TEST: every kernel call compares the backend's data ids).
 */
export async function setUpWasm(): Promise<void> {
  await tf.setBackend('wasm')
  await tf.ready()
  registerWasmTrainingKernels(tf)
  tf.env().set('IS_TEST', true)
}

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1)

/** Convolution shapes every convolution gradient is checked on. */
export interface ConvCase {
  name: string
  x: Shape4
  f: Shape4
  s: number | [number, number]
  pad: Pad
}

/** Strides 1 and 2, 'same' and 'valid', odd and even kernels, non-square inputs, batch and channels > 1. */
export const CONV_CASES: ConvCase[] = [
  { name: '3×3 same, stride 1', x: [2, 7, 6, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' },
  { name: '2×2 (even) same, stride 1', x: [2, 6, 7, 2], f: [2, 2, 2, 3], s: 1, pad: 'same' },
  { name: '3×2 same, stride 2, odd input', x: [3, 7, 9, 2], f: [3, 2, 2, 3], s: 2, pad: 'same' },
  { name: '4×4 valid, stride 2', x: [2, 9, 8, 3], f: [4, 4, 3, 2], s: 2, pad: 'valid' },
  { name: '5×5 valid, stride 1', x: [2, 9, 10, 2], f: [5, 5, 2, 3], s: 1, pad: 'valid' },
  { name: '1×1 pointwise', x: [2, 5, 4, 3], f: [1, 1, 3, 4], s: 1, pad: 'valid' },
  { name: '1×1 stride 2 (a ResNet shortcut)', x: [2, 6, 5, 3], f: [1, 1, 3, 4], s: 2, pad: 'same' },
  { name: '3×3 same, strides [1, 2]', x: [2, 6, 7, 2], f: [3, 3, 2, 2], s: [1, 2], pad: 'same' },
  {
    name: '3×3 explicit pads, one larger than the filter',
    x: [2, 6, 5, 2],
    f: [3, 3, 2, 3],
    s: 1,
    pad: [
      [0, 0],
      [4, 1],
      [0, 2],
      [0, 0],
    ],
  },
]

export interface DepthwiseCase {
  name: string
  x: Shape4
  /** [fH, fW, C, depth multiplier] */
  f: Shape4
  s: number | [number, number]
  pad: Pad
}

/** Depthwise shapes: multipliers 1 and 2, strides 1 and 2, 'same' and 'valid', odd and even kernels. */
export const DEPTHWISE_CASES: DepthwiseCase[] = [
  { name: '3×3 same, stride 1, multiplier 1', x: [2, 7, 6, 3], f: [3, 3, 3, 1], s: 1, pad: 'same' },
  { name: '3×3 same, stride 1, multiplier 2', x: [2, 6, 7, 3], f: [3, 3, 3, 2], s: 1, pad: 'same' },
  { name: '2×2 (even) same, stride 1, multiplier 2', x: [2, 6, 5, 2], f: [2, 2, 2, 2], s: 1, pad: 'same' },
  {
    name: '3×3 same, stride 2, odd input, multiplier 1',
    x: [3, 7, 9, 4],
    f: [3, 3, 4, 1],
    s: 2,
    pad: 'same',
  },
  { name: '3×3 same, stride 2, multiplier 2', x: [2, 8, 7, 2], f: [3, 3, 2, 2], s: 2, pad: 'same' },
  { name: '4×3 valid, stride 2, multiplier 2', x: [2, 9, 8, 3], f: [4, 3, 3, 2], s: 2, pad: 'valid' },
  { name: '5×5 valid, stride 1, multiplier 3', x: [2, 8, 9, 2], f: [5, 5, 2, 3], s: 1, pad: 'valid' },
  {
    name: '3×3 same, strides [2, 1], multiplier 1',
    x: [2, 7, 6, 2],
    f: [3, 3, 2, 1],
    s: [2, 1],
    pad: 'same',
  },
  {
    name: '3×3 explicit pads, one larger than the filter',
    x: [2, 6, 5, 2],
    f: [3, 3, 2, 2],
    s: 1,
    pad: [
      [0, 0],
      [4, 1],
      [0, 2],
      [0, 0],
    ],
  },
]

export const f64 = (a: ArrayLike<number>) => Float64Array.from(a)

/** Runs `f` on a backend (tidily) and returns the values of what it returns. */
export async function on(
  backend: 'cpu' | 'wasm',
  f: () => tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>,
): Promise<Float32Array[]> {
  await tf.setBackend(backend)
  const out = tf.tidy(() => {
    const r = f()
    return r instanceof tf.Tensor ? [r] : Array.isArray(r) ? r : Object.values(r)
  })
  const values = out.map((t) => t.dataSync() as Float32Array)
  tf.dispose(out)
  return values
}

/** The window geometry TF.js computes for a convolution or pooling. */
export function geometry(
  xShape: Shape4,
  filterShape: Shape4,
  strides: number | [number, number],
  pad: Pad,
  depthwise = false,
): Window {
  return windowOf(
    tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, undefined, depthwise),
  )
}

/** y[b, oy, ox, co] = Σ x[b, oy·sH + fy − padTop, ox·sW + fx − padLeft, ci] · W[fy, fx, ci, co], in doubles. */
export function conv2dRef(x: Float64Array, w: Float64Array, g: Window, outC: number): Float64Array {
  const y = new Float64Array(g.batch * g.outH * g.outW * outC)
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let co = 0; co < outC; co++) {
          let sum = 0
          for (let fy = 0; fy < g.fH; fy++) {
            const iy = oy * g.sH + fy - g.padTop
            if (iy < 0 || iy >= g.inH) continue
            for (let fx = 0; fx < g.fW; fx++) {
              const ix = ox * g.sW + fx - g.padLeft
              if (ix < 0 || ix >= g.inW) continue
              for (let ci = 0; ci < g.inC; ci++)
                sum +=
                  x[((b * g.inH + iy) * g.inW + ix) * g.inC + ci] *
                  w[((fy * g.fW + fx) * g.inC + ci) * outC + co]
            }
          }
          y[((b * g.outH + oy) * g.outW + ox) * outC + co] = sum
        }
  return y
}

/** y[b, oy, ox, c·M + m] = Σ x[b, …, c] · W[fy, fx, c, m], in doubles. */
export function depthwiseRef(x: Float64Array, w: Float64Array, g: Window, M: number): Float64Array {
  const CM = g.inC * M
  const y = new Float64Array(g.batch * g.outH * g.outW * CM)
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let c = 0; c < g.inC; c++)
          for (let m = 0; m < M; m++) {
            let sum = 0
            for (let fy = 0; fy < g.fH; fy++) {
              const iy = oy * g.sH + fy - g.padTop
              if (iy < 0 || iy >= g.inH) continue
              for (let fx = 0; fx < g.fW; fx++) {
                const ix = ox * g.sW + fx - g.padLeft
                if (ix < 0 || ix >= g.inW) continue
                sum +=
                  x[((b * g.inH + iy) * g.inW + ix) * g.inC + c] * w[((fy * g.fW + fx) * g.inC + c) * M + m]
              }
            }
            y[((b * g.outH + oy) * g.outW + ox) * CM + c * M + m] = sum
          }
  return y
}

/** Max or average pooling in doubles; averages divide by the real pixels of each window (as TF). */
export function poolRef(x: Float64Array, g: Window, mode: 'max' | 'avg'): Float64Array {
  const y = new Float64Array(g.batch * g.outH * g.outW * g.inC)
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let c = 0; c < g.inC; c++) {
          let acc = mode === 'max' ? -Infinity : 0
          let count = 0
          for (let fy = 0; fy < g.fH; fy++) {
            const iy = oy * g.sH + fy - g.padTop
            if (iy < 0 || iy >= g.inH) continue
            for (let fx = 0; fx < g.fW; fx++) {
              const ix = ox * g.sW + fx - g.padLeft
              if (ix < 0 || ix >= g.inW) continue
              const v = x[((b * g.inH + iy) * g.inW + ix) * g.inC + c]
              acc = mode === 'max' ? Math.max(acc, v) : acc + v
              count++
            }
          }
          y[((b * g.outH + oy) * g.outW + ox) * g.inC + c] = mode === 'max' ? acc : acc / count
        }
  return y
}

/**
 * The scalar loss of the gradient checks: Σ y·r + ½ Σ y². Its gradient dy = r + y differs at every
 * output, so a kernel that mixes outputs up cannot pass.
 */
export function lossRef(y: Float64Array, r: Float64Array): number {
  let sum = 0
  for (let i = 0; i < y.length; i++) sum += y[i] * r[i] + 0.5 * y[i] * y[i]
  return sum
}

export function tfLoss(y: tf.Tensor, r: tf.Tensor): tf.Scalar {
  return tf.add(tf.sum(tf.mul(y, r)), tf.mul(0.5, tf.sum(tf.square(y))))
}

/** Central finite differences of `f` at `p`, in doubles. */
export function fdGrad(p: Float64Array, f: (p: Float64Array) => number, h = 1e-3): Float64Array {
  const g = new Float64Array(p.length)
  for (let i = 0; i < p.length; i++) {
    const v = p[i]
    p[i] = v + h
    const up = f(p)
    p[i] = v - h
    const down = f(p)
    p[i] = v
    g[i] = (up - down) / (2 * h)
  }
  return g
}

/** Calls a kernel function directly on the wasm backend (e.g. built with a tiny chunk budget). */
export function callKernel(
  func: WasmKernelFunc,
  inputs: Record<string, tf.Tensor>,
  attrs: object,
): tf.Tensor {
  const backend = tf.backend() as unknown as WasmBackend
  const info = func({ inputs, backend, attrs: attrs as tf.NamedAttrMap })
  return tf.engine().makeTensorFromTensorInfo(info)
}

/**
 * The gradient `run` computes on wasm equals the cpu backend's (to 2e-6) and the float64 finite
 * difference of `refLoss` around `at`, the values it differentiates with respect to (to 2e-5).
 */
export async function expectGradient(
  run: () => tf.Tensor,
  at: Float32Array,
  refLoss: (p: Float64Array) => number,
): Promise<void> {
  const [wasm] = await on('wasm', run)
  const [cpu] = await on('cpu', run)
  expectClose(wasm, cpu, 2e-6)
  expectClose(wasm, fdGrad(f64(at), refLoss), 2e-5)
}
