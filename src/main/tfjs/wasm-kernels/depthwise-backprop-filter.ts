import type * as tfjs from '@tensorflow/tfjs'
import { windowOf, type Window } from './conv2d-backprop-filter'
import { withScope, type KernelEnv, type TensorInfo, type WasmKernelFunc } from './wasm-backend'

/**
 * dW[fy, fx, c, m] = Σ over b, oy, ox of x[b, oy·sH + fy − padTop, ox·sW + fx − padLeft, c] ·
 * dy[b, oy, ox, c·M + m], accumulated in doubles into `acc` ([fH, fW, C, M], zeroed by the caller).
 * One pass over dy; every inner loop runs along contiguous channels.
 */
export function depthwiseFilterGrad(
  x: Float32Array,
  dy: Float32Array,
  acc: Float64Array,
  w: Window,
  multiplier: number,
): void {
  const { batch, inH, inW, inC, outH, outW, fH, fW, sH, sW, padTop, padLeft } = w
  const M = multiplier
  const CM = inC * M
  let d = 0
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, d += CM) {
        for (let fy = 0; fy < fH; fy++) {
          const iy = oy * sH + fy - padTop
          if (iy < 0 || iy >= inH) continue
          for (let fx = 0; fx < fW; fx++) {
            const ix = ox * sW + fx - padLeft
            if (ix < 0 || ix >= inW) continue
            const xo = ((b * inH + iy) * inW + ix) * inC
            const a = (fy * fW + fx) * CM
            if (M === 1) {
              for (let c = 0; c < inC; c++) acc[a + c] += x[xo + c] * dy[d + c]
            } else {
              for (let c = 0; c < inC; c++) {
                const v = x[xo + c]
                const o = c * M
                for (let m = 0; m < M; m++) acc[a + o + m] += v * dy[d + o + m]
              }
            }
          }
        }
      }
    }
  }
}

/**
 * DepthwiseConv2dNativeBackpropFilter (missing on wasm). Each filter tap sees every output pixel
 * once, so this is a single pass over dy with a tight loop over typed arrays on the wasm heap (the
 * work is fH·fW·C·M multiply-adds per output pixel, small next to a full convolution's).
 */
export function depthwiseBackpropFilter(env: KernelEnv): WasmKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
    const { strides, dilations, pad, dimRoundingMode, filterShape } =
      attrs as unknown as tfjs.DepthwiseConv2dNativeBackpropFilterAttrs
    const info = env.tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      dilations ?? 1,
      pad,
      dimRoundingMode,
      true,
    )
    const w = windowOf(info)
    const acc = new Float64Array(filterShape[0] * filterShape[1] * filterShape[2] * filterShape[3])
    return withScope(env, backend, (s) => {
      depthwiseFilterGrad(s.f32(x), s.f32(dy), acc, w, filterShape[3])
      const dW = s.alloc([...filterShape])
      s.f32(dW).set(acc)
      return s.keep(dW)
    })
  }
}
