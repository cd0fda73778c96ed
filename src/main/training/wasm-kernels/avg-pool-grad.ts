import type * as tfjs from '@tensorflow/tfjs'
import { windowOf, type Window } from './conv2d-backprop-filter'
import { withScope, type KernelEnv, type TensorInfo, type WasmKernelFunc } from './wasm-backend'

/** How many real (non-padding) input pixels each output pixel's window covers: [outH · outW]. */
export function windowCounts(w: Window): Int32Array {
  const counts = new Int32Array(w.outH * w.outW)
  for (let oy = 0; oy < w.outH; oy++) {
    const rows = Math.min(w.inH, oy * w.sH - w.padTop + w.fH) - Math.max(0, oy * w.sH - w.padTop)
    for (let ox = 0; ox < w.outW; ox++) {
      const cols = Math.min(w.inW, ox * w.sW - w.padLeft + w.fW) - Math.max(0, ox * w.sW - w.padLeft)
      counts[oy * w.outW + ox] = Math.max(0, rows) * Math.max(0, cols)
    }
  }
  return counts
}

/**
 * AvgPoolGrad, replacing wasm's own (and matching no TF.js backend, all of which share the bug): the
 * forward AvgPool divides each window's sum by the number of real pixels it covers (padding excluded,
 * as TensorFlow), but the stock gradients divide by the full window size, fH·fW, which is wrong for
 * every window overlapping 'same' or explicit padding. Here dy is first rescaled by fH·fW / count per
 * output pixel, then the stock wasm kernel spreads it (for windows without padding, the stock kernel
 * alone is already right and runs unchanged).
 */
export function avgPoolGrad(env: KernelEnv): WasmKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo }
    const { filterSize, strides, pad } = attrs as unknown as tfjs.AvgPoolGradAttrs
    const info = env.tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
    )
    const w = windowOf(info)
    const full = w.fH * w.fW
    const counts = windowCounts(w)
    return withScope(env, backend, (s) => {
      let source = dy
      if (counts.some((c) => c !== full)) {
        source = s.alloc([...dy.shape])
        scaleByWindow(s.f32(dy), s.f32(source), counts, full, w.inC)
      }
      return s.keep(s.run('AvgPoolGrad', { dy: source, input }, { filterSize, strides, pad }))
    })
  }
}

/** out = dy · full / count of its output pixel (0 for a window of padding only). */
export function scaleByWindow(
  dy: Float32Array,
  out: Float32Array,
  counts: Int32Array,
  full: number,
  C: number,
) {
  const pixels = counts.length
  let i = 0
  for (let p = 0; i < dy.length; p = (p + 1) % pixels) {
    const f = counts[p] > 0 ? full / counts[p] : 0
    for (let c = 0; c < C; c++, i++) out[i] = dy[i] * f
  }
}
