import type * as tfjs from '@tensorflow/tfjs'
import { transposeBlocksInto, transposeInto } from './transpose'
import {
  CHUNK_FLOATS,
  chunkSize,
  withScope,
  type KernelEnv,
  type Scope,
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

/** The window of a 2-D convolution (and its output channels) from a backprop kernel's shapes and attributes. */
export function convWindow(
  env: KernelEnv,
  xShape: readonly number[],
  filterShape: readonly number[],
  a: Pick<tfjs.Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'>,
): { w: Window; outC: number } {
  const bu = env.tf.backend_util
  const info = bu.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    bu.convertConv2DDataFormat(a.dataFormat),
  )
  return { w: windowOf(info), outC: info.outChannels }
}

/** Most output pixels (the product's inner dimension) per chunk. */
const MAX_INNER = 16384

/** Contiguous runs at least this long are copied with copyWithin (a native memmove) rather than a loop. */
const NATIVE_RUN = 32

/**
 * Transposed im2col: fills the columns ([K, n], K = fH·fW·C in filter order (fy, fx, c), n = nb·outH·outW
 * output pixels of images b0 … b0+nb−1) from the input transposed to [C, B, H, W], so that every copied
 * run is contiguous (stride 1) or evenly strided. Padding reads as zero. Both live in `heap` (the wasm
 * heap, or any array in tests), at float offsets `xOff` and `colsOff`.
 */
export function im2colT(
  heap: Float32Array,
  xOff: number,
  colsOff: number,
  w: Window,
  b0: number,
  nb: number,
): void {
  const { batch, inH, inW, inC, outH, outW, fH, fW, sH, sW, padTop, padLeft } = w
  const n = nb * outH * outW
  for (let fy = 0; fy < fH; fy++) {
    for (let fx = 0; fx < fW; fx++) {
      // Output columns whose input column ox·sW + fx − padLeft lies inside the image.
      const oxLo = Math.min(outW, Math.max(0, Math.ceil((padLeft - fx) / sW)))
      const oxHi = Math.max(oxLo, Math.min(outW, Math.floor((inW - 1 + padLeft - fx) / sW) + 1))
      const run = oxHi - oxLo
      const ix0 = oxLo * sW + fx - padLeft
      for (let c = 0; c < inC; c++) {
        let d = colsOff + ((fy * fW + fx) * inC + c) * n
        for (let bl = 0; bl < nb; bl++) {
          const plane = (c * batch + b0 + bl) * inH
          for (let oy = 0; oy < outH; oy++) {
            const iy = oy * sH + fy - padTop
            if (iy < 0 || iy >= inH) {
              heap.fill(0, d, d + outW)
              d += outW
              continue
            }
            for (let ox = 0; ox < oxLo; ox++) heap[d++] = 0
            let s = xOff + (plane + iy) * inW + ix0
            if (sW !== 1) {
              for (let ox = oxLo; ox < oxHi; ox++) {
                heap[d++] = heap[s]
                s += sW
              }
            } else if (run >= NATIVE_RUN) {
              heap.copyWithin(d, s, s + run)
              d += run
            } else {
              for (let ox = oxLo; ox < oxHi; ox++) heap[d++] = heap[s++]
            }
            for (let ox = oxHi; ox < outW; ox++) heap[d++] = 0
          }
        }
      }
    }
  }
}

/**
 * The bottom and right padding of the filter gradient seen as a convolution (`filterGradAsConv`): the
 * input rows and columns past the last one any window reads are cut off by a negative pad. Null where
 * either is negative (XNNPACK takes no negative padding).
 */
export function gradConvPads(w: Window): [number, number] | null {
  const bottom = w.fH + (w.outH - 1) * w.sH - w.inH - w.padTop
  const right = w.fW + (w.outW - 1) * w.sW - w.inW - w.padLeft
  return bottom < 0 || right < 0 ? null : [bottom, right]
}

/**
 * The filter gradient as one convolution by the wasm Conv2D kernel (XNNPACK), the batch playing the
 * part of the channels: dW[fy, fx, ci, co] = Σ over b, oy, ox of x[b, oy·sH + fy − padTop, ox·sW + fx −
 * padLeft, ci] · dy[b, oy, ox, co] is the convolution of the input seen as C images [H, W, B] with dy
 * seen as an [outH, outW, B, outC] filter dilated by the strides, giving [C, fH, fW, outC]. Three cheap
 * transposes ([B, H·W, C] → [C, H·W, B]; [B, outH·outW, outC] → [outH·outW, B, outC]; [C, fH·fW, outC]
 * → [fH·fW, C, outC]) replace the im2col columns, which are fH·fW times the input's size.
 */
function filterGradAsConv(
  s: Scope,
  x: TensorInfo,
  dy: TensorInfo,
  w: Window,
  outC: number,
  pads: [number, number],
): TensorInfo {
  const { batch, inH, inW, inC, outH, outW, fH, fW } = w
  const hw = inH * inW
  const xT = s.alloc([inC, inH, inW, batch])
  if (inC === 1) {
    transposeInto(s.heap(), s.offset(x), s.offset(xT), batch, hw)
  } else {
    // [B, H·W·C] → [H·W, C, B] → [C, H·W, B]
    const tmp = s.alloc([hw * inC * batch])
    const heap = s.heap()
    transposeInto(heap, s.offset(x), s.offset(tmp), batch, hw * inC)
    transposeBlocksInto(heap, s.offset(tmp), s.offset(xT), hw, inC, batch)
    s.free(tmp)
  }
  const dyT = s.alloc([outH, outW, batch, outC])
  transposeBlocksInto(s.heap(), s.offset(dy), s.offset(dyT), batch, outH * outW, outC)
  const g = s.run(
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [w.padTop, pads[0]],
        [w.padLeft, pads[1]],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [w.sH, w.sW],
    },
  )
  s.free(xT)
  s.free(dyT)
  if (inC === 1) return g
  const dW = s.alloc([fH, fW, inC, outC])
  transposeBlocksInto(s.heap(), s.offset(g), s.offset(dW), inC, fH * fW, outC)
  return dW
}

/**
 * Whether `filterGradAsConv` beats the columns for this window. Measured at batch 64 here: it wins only
 * with few output channels and a large window (LeNet-5's 5×5 → 6 and 5×5 → 16: 3.5 → 2.2 ms and
 * 2.6 → 1.6 ms) and loses otherwise (5×5 → 32: 9.3 → 20 ms; ResNet's 3×3 layers 1.3–3.5× slower).
 */
export function preferGradAsConv(w: Window, outC: number): boolean {
  return outC <= 16 && w.fH * w.fW >= 16
}

/**
 * Conv2DBackpropFilter (missing on wasm). Where `preferGradAsConv` says so and no padding would be
 * negative: one wasm Conv2D (`filterGradAsConv`). Otherwise the input is transposed once ([B·H·W, C] → [C, B·H·W]), unrolled in chunks
 * of images into transposed im2col columns [K, n], and each chunk is multiplied by its rows of dy
 * ([n, outC]) with the wasm BatchMatMul kernel (XNNPACK); chunk products are summed. A chunk's
 * columns hold at most CHUNK_FLOATS floats, whatever the batch.
 */
export function conv2DBackpropFilter(
  env: KernelEnv,
  budget = CHUNK_FLOATS,
  method: 'auto' | 'conv' | 'columns' = 'auto',
): WasmKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
    const a = attrs as unknown as tfjs.Conv2DBackpropFilterAttrs
    const { w, outC } = convWindow(env, x.shape, a.filterShape, a)
    const K = w.fH * w.fW * w.inC
    const pixels = w.outH * w.outW
    return withScope(env, backend, (s) => {
      const asConv = method === 'conv' || (method === 'auto' && preferGradAsConv(w, outC))
      const pads = asConv ? gradConvPads(w) : null
      if (pads) return s.keep(filterGradAsConv(s, x, dy, w, outC, pads), [...a.filterShape])
      // Chunks bound the columns' size, and the product's inner dimension n: XNNPACK streams a K×8 slice
      // of the packed dy per tile of output rows, which must stay in cache (a first layer with 3 input
      // channels and 65,536 pixels ran 10× slower in one piece).
      const nb = Math.min(chunkSize(w.batch, K * pixels, budget), chunkSize(w.batch, pixels, MAX_INNER))
      const pointwise =
        w.fH === 1 && w.fW === 1 && w.sH === 1 && w.sW === 1 && w.padTop === 0 && w.padLeft === 0
      // [B, H, W, C] → [C, B, H, W]: each im2col row is then a strided run of one plane.
      const xT = s.alloc([w.inC, w.batch * w.inH * w.inW])
      transposeInto(s.heap(), s.offset(x), s.offset(xT), w.batch * w.inH * w.inW, w.inC)
      let acc: TensorInfo | null = null
      for (let b0 = 0; b0 < w.batch; b0 += nb) {
        const nbc = Math.min(nb, w.batch - b0)
        const n = nbc * pixels
        let cols: TensorInfo
        if (pointwise && nbc === w.batch) {
          cols = s.reshaped(xT, [1, K, n]) // A 1×1 convolution's columns are the transposed input.
        } else {
          cols = s.alloc([1, K, n])
          im2colT(s.heap(), s.offset(xT), s.offset(cols), w, b0, nbc)
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
      return s.keep(acc!, [...a.filterShape])
    })
  }
}
