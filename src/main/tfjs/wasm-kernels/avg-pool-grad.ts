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
 * Spreads each dy value evenly over the real input pixels of its window: dx[pixel] += dy / count
 * (dx zeroed by the caller). Per window, one run of channels per pixel, contiguous.
 */
export function avgPoolGradInto(dy: Float32Array, dx: Float32Array, w: Window, counts: Int32Array): void {
  const { batch, inH, inW, inC, outH, outW, fH, fW, sH, sW, padTop, padLeft } = w
  let d = 0
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = Math.max(0, oy * sH - padTop)
      const y1 = Math.min(inH, oy * sH - padTop + fH)
      for (let ox = 0; ox < outW; ox++, d += inC) {
        const count = counts[oy * outW + ox]
        if (count === 0) continue
        const share = 1 / count
        const x0 = Math.max(0, ox * sW - padLeft)
        const x1 = Math.min(inW, ox * sW - padLeft + fW)
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const o = ((b * inH + iy) * inW + ix) * inC
            for (let c = 0; c < inC; c++) dx[o + c] += dy[d + c] * share
          }
        }
      }
    }
  }
}

/**
 * AvgPoolGrad, replacing wasm's own, which is wrong where windows overlap padding (as every TF.js
 * backend's: the forward AvgPool divides each window's sum by the real pixels it covers, as
 * TensorFlow, but the gradients divide by the full window, fH·fW) and slow (a generic 3-D pooling
 * loop: 1.2 ms for LeNet's first pooling at batch 64, against 0.3 ms here).
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
    return withScope(env, backend, (s) => {
      const dx = s.zeros([...input.shape])
      avgPoolGradInto(s.f32(dy), s.f32(dx), w, windowCounts(w))
      return s.keep(dx)
    })
  }
}
