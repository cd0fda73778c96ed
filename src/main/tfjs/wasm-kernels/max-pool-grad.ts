import type * as tfjs from '@tensorflow/tfjs'
import { windowOf, type Window } from './conv2d-backprop-filter'
import { withScope, type KernelEnv, type TensorInfo, type WasmKernelFunc } from './wasm-backend'

/**
 * Adds each dy value into dx ([B, H, W, C], zeroed by the caller) at its window's maximum: the first
 * maximum in row-major window order, as TensorFlow and TF.js's cpu backend choose among ties. Padding
 * never wins. Per output pixel and channel the window is scanned once, the running maximum in locals;
 * windows of 2×2 real pixels (the usual pool) are unrolled.
 */
export function maxPoolGradInto(x: Float32Array, dy: Float32Array, dx: Float32Array, w: Window): void {
  const { batch, inH, inW, inC, outH, outW, fH, fW, sH, sW, padTop, padLeft } = w
  const row = inW * inC
  let d = 0
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = Math.max(0, oy * sH - padTop)
      const y1 = Math.min(inH, oy * sH - padTop + fH)
      for (let ox = 0; ox < outW; ox++, d += inC) {
        const x0 = Math.max(0, ox * sW - padLeft)
        const x1 = Math.min(inW, ox * sW - padLeft + fW)
        if (y0 >= y1 || x0 >= x1) continue // a window of padding only: no input pixel to credit
        const first = ((b * inH + y0) * inW + x0) * inC
        if (y1 - y0 === 2 && x1 - x0 === 2) {
          const right = first + inC
          const below = first + row
          const diagonal = below + inC
          for (let c = 0; c < inC; c++) {
            let at = first + c
            let best = x[at]
            let v = x[right + c]
            if (v > best) {
              best = v
              at = right + c
            }
            v = x[below + c]
            if (v > best) {
              best = v
              at = below + c
            }
            if (x[diagonal + c] > best) at = diagonal + c
            dx[at] += dy[d + c]
          }
          continue
        }
        const cols = (x1 - x0) * inC
        for (let c = 0; c < inC; c++) {
          let at = first + c
          let best = x[at]
          for (let r = first + c; r < first + (y1 - y0) * row; r += row) {
            for (let o = r; o < r + cols; o += inC) {
              const v = x[o]
              if (v > best) {
                best = v
                at = o
              }
            }
          }
          dx[at] += dy[d + c]
        }
      }
    }
  }
}

/**
 * MaxPoolGrad, replacing wasm's own, which drops the gradient of every window whose values are all
 * ≤ 0 and credits the last of tied maxima rather than the first.
 */
export function maxPoolGrad(env: KernelEnv): WasmKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo }
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tfjs.MaxPoolGradAttrs
    const info = env.tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    )
    const w = windowOf(info)
    return withScope(env, backend, (s) => {
      const dx = s.zeros([...input.shape])
      maxPoolGradInto(s.f32(input), s.f32(dy), s.f32(dx), w)
      return s.keep(dx)
    })
  }
}
