import type * as tfjs from '@tensorflow/tfjs'
import {
  CHUNK_FLOATS,
  chunkSize,
  withScope,
  type KernelEnv,
  type TensorInfo,
  type WasmKernelFunc,
} from './wasm-backend'

/** The window geometry of a 2-D convolution or pooling, NHWC, as the im2col loops need it. */
export interface Window {
  batch: number
  inH: number
  inW: number
  inC: number
  outH: number
  outW: number
  fH: number
  fW: number
  sH: number
  sW: number
  padTop: number
  padLeft: number
}

export function windowOf(info: tfjs.backend_util.Conv2DInfo): Window {
  if (info.dataFormat !== 'channelsLast')
    throw new Error('The wasm training kernels support NHWC (channelsLast) only')
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1)
    throw new Error('TF.js has no gradient for dilated convolutions')
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    fH: info.filterHeight,
    fW: info.filterWidth,
    sH: info.strideHeight,
    sW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  }
}

/**
 * Transposed im2col: fills `cols` ([K, n], K = fH·fW·C in filter order (fy, fx, c), n = nb·outH·outW
 * output pixels of images b0 … b0+nb−1) from `xT`, the input transposed to [C, B, H, W] so that every
 * copied run is contiguous. Padding reads as zero.
 */
export function im2colT(xT: Float32Array, cols: Float32Array, w: Window, b0: number, nb: number): void {
  const { batch, inH, inW, inC, outH, outW, fH, fW, sH, sW, padTop, padLeft } = w
  const n = nb * outH * outW
  for (let fy = 0; fy < fH; fy++) {
    for (let fx = 0; fx < fW; fx++) {
      // Output columns whose input column ox·sW + fx − padLeft lies inside the image.
      const oxLo = Math.min(outW, Math.max(0, Math.ceil((padLeft - fx) / sW)))
      const oxHi = Math.max(oxLo, Math.min(outW, Math.floor((inW - 1 + padLeft - fx) / sW) + 1))
      const ix0 = oxLo * sW + fx - padLeft
      for (let c = 0; c < inC; c++) {
        let d = ((fy * fW + fx) * inC + c) * n
        for (let bl = 0; bl < nb; bl++) {
          const plane = (c * batch + b0 + bl) * inH
          for (let oy = 0; oy < outH; oy++) {
            const iy = oy * sH + fy - padTop
            if (iy < 0 || iy >= inH) {
              cols.fill(0, d, d + outW)
              d += outW
              continue
            }
            for (let ox = 0; ox < oxLo; ox++) cols[d++] = 0
            let s = (plane + iy) * inW + ix0
            if (sW === 1) {
              for (let ox = oxLo; ox < oxHi; ox++) cols[d++] = xT[s++]
            } else {
              for (let ox = oxLo; ox < oxHi; ox++) {
                cols[d++] = xT[s]
                s += sW
              }
            }
            for (let ox = oxHi; ox < outW; ox++) cols[d++] = 0
          }
        }
      }
    }
  }
}

/**
 * Conv2DBackpropFilter (missing on wasm): dW[fy, fx, ci, co] = Σ x[b, oy·s + fy − pad, ox·s + fx − pad, ci]
 * · dy[b, oy, ox, co]. The input is transposed once by the wasm Transpose kernel, unrolled in chunks of
 * images into transposed im2col columns [K, n], and each chunk is multiplied by its rows of dy
 * ([n, outC]) with the wasm BatchMatMul kernel (XNNPACK); chunk products are summed. A chunk's
 * columns hold at most CHUNK_FLOATS floats, whatever the batch.
 */
export function conv2DBackpropFilter(env: KernelEnv, budget = CHUNK_FLOATS): WasmKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      attrs as unknown as tfjs.Conv2DBackpropFilterAttrs
    const bu = env.tf.backend_util
    const info = bu.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      bu.convertConv2DDataFormat(dataFormat),
    )
    const w = windowOf(info)
    const outC = info.outChannels
    const K = w.fH * w.fW * w.inC
    const pixels = w.outH * w.outW
    return withScope(env, backend, (s) => {
      const nb = chunkSize(w.batch, K * pixels, budget)
      const pointwise =
        w.fH === 1 && w.fW === 1 && w.sH === 1 && w.sW === 1 && w.padTop === 0 && w.padLeft === 0
      // [B, H, W, C] → [C, B, H, W]: each im2col row is then a strided run of one plane.
      const xT = s.run('Transpose', { x }, { perm: [3, 0, 1, 2] })
      let acc: TensorInfo | null = null
      for (let b0 = 0; b0 < w.batch; b0 += nb) {
        const nbc = Math.min(nb, w.batch - b0)
        const n = nbc * pixels
        let cols: TensorInfo
        if (pointwise && nbc === w.batch) {
          cols = s.reshaped(xT, [1, K, n]) // A 1×1 convolution's columns are the transposed input.
        } else {
          cols = s.alloc([1, K, n])
          im2colT(s.f32(xT), s.f32(cols), w, b0, nbc)
        }
        let dyc: TensorInfo
        if (nbc === w.batch) {
          dyc = s.reshaped(dy, [1, n, outC])
        } else {
          dyc = s.alloc([1, n, outC])
          s.f32(dyc).set(s.f32(dy).subarray(b0 * pixels * outC, (b0 + nbc) * pixels * outC))
        }
        const prod = s.run('BatchMatMul', { a: cols, b: dyc }, { transposeA: false, transposeB: false })
        s.free(cols) // (views of xT or dy are not temporaries: free() leaves them)
        s.free(dyc)
        if (acc === null) {
          acc = prod
        } else {
          const a = s.f32(acc)
          const p = s.f32(prod)
          for (let i = 0; i < a.length; i++) a[i] += p[i]
          s.free(prod)
        }
      }
      return s.keep(acc!, [...filterShape])
    })
  }
}
