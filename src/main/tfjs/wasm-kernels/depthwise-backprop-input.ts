import type * as tfjs from '@tensorflow/tfjs'
import { windowOf, type Window } from './conv2d-backprop-filter'
import { transposedPads } from './conv2d-backprop-input'
import { withScope, type KernelEnv, type TensorInfo, type WasmKernelFunc } from './wasm-backend'

/**
 * Spreads dy ([B, outH, outW, C]) into a zeroed [B, H + fH − 1, W + fW − 1, C] buffer at the rows and
 * columns a stride-1 'valid' convolution with the flipped filter reads for the input gradient:
 * (oy·sH + fH − 1 − padTop, ox·sW + fW − 1 − padLeft). Pixels falling outside (pads of a filter's size
 * or more) contribute to no input pixel and are dropped.
 */
export function spreadDy(
  heap: Float32Array,
  dyOff: number,
  outOff: number,
  w: Window,
  channels: number,
  spreadH: number,
  spreadW: number,
): void {
  const { batch, outH, outW, fH, fW, sH, sW, padTop, padLeft } = w
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const r = oy * sH + fH - 1 - padTop
      if (r < 0 || r >= spreadH) continue
      for (let ox = 0; ox < outW; ox++) {
        const q = ox * sW + fW - 1 - padLeft
        if (q < 0 || q >= spreadW) continue
        const s = dyOff + ((b * outH + oy) * outW + ox) * channels
        heap.copyWithin(outOff + ((b * spreadH + r) * spreadW + q) * channels, s, s + channels)
      }
    }
  }
}

/**
 * DepthwiseConv2dNativeBackpropInput (missing on wasm): dx[b, y, x, c] = Σ over m, fy, fx of
 * dy[b, oy, ox, c·M + m] · W[fy, fx, c, m]. Done by the wasm DepthwiseConv2dNative kernel (XNNPACK)
 * on dy with the spatially flipped filter, seen as [fH, fW, C·M, 1]; with a depth multiplier M > 1 the
 * M products of each input channel are then summed (the Sum kernel over the innermost axis). Stride 1
 * pads dy explicitly; larger strides (and pads of a filter's size or more) first spread dy into a
 * zero buffer (`spreadDy`).
 */
export function depthwiseBackpropInput(env: KernelEnv): WasmKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo }
    const { strides, dilations, pad, dimRoundingMode, inputShape } =
      attrs as unknown as tfjs.DepthwiseConv2dNativeBackpropInputAttrs
    const [fH, fW, C, M] = filter.shape
    const info = env.tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      dilations ?? 1,
      pad,
      dimRoundingMode,
      true,
    )
    const w = windowOf(info)
    const CM = C * M
    return withScope(env, backend, (s) => {
      // Flipping both spatial axes reverses the order of the fH·fW taps of C·M weights each.
      const flipped = s.alloc([fH, fW, CM, 1])
      const heap = s.heap()
      const taps = fH * fW
      for (let t = 0; t < taps; t++)
        heap.copyWithin(
          s.offset(flipped) + (taps - 1 - t) * CM,
          s.offset(filter) + t * CM,
          s.offset(filter) + (t + 1) * CM,
        )
      const pads = w.sH === 1 && w.sW === 1 ? transposedPads(w) : null
      let source: TensorInfo = dy
      let [top, bottom, left, right] = pads ?? [0, 0, 0, 0]
      if (!pads) {
        const spreadH = w.inH + fH - 1
        const spreadW = w.inW + fW - 1
        source = s.zeros([w.batch, spreadH, spreadW, CM])
        spreadDy(s.heap(), s.offset(dy), s.offset(source), w, CM, spreadH, spreadW)
        top = bottom = left = right = 0
      }
      const z = s.run(
        'DepthwiseConv2dNative',
        { x: source, filter: flipped },
        {
          strides: [1, 1],
          dilations: [1, 1],
          pad: [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ],
        },
      )
      if (M === 1) return s.keep(z, [...inputShape])
      const dx = s.run(
        'Sum',
        { x: s.reshaped(z, [w.batch, w.inH, w.inW, C, M]) },
        { axis: [4], keepDims: false },
      )
      return s.keep(dx, [...inputShape])
    })
  }
}
