import type * as tfjs from '@tensorflow/tfjs'
import { sizeOf, withScope, type KernelEnv, type TensorInfo, type WasmKernelFunc } from './wasm-backend'

/** Rows per block of `sumLeadingInto`: a block (≤ 64 KiB) stays in cache while each column is summed. */
const BLOCK_FLOATS = 16384

/**
 * out[j] = Σ over r of x[r·inner + j] (in doubles), scaled by `scale`: a reduction over the leading axes.
 * Column by column within blocks of rows, four rows at a time into four independent sums (one running
 * sum per column waits on each addition: 3× slower for LeNet-5's 50,176 × 6 bias gradient).
 */
export function sumLeadingInto(
  heap: Float32Array,
  xOff: number,
  outOff: number,
  rows: number,
  inner: number,
  scale: number,
): void {
  const acc = new Float64Array(inner)
  const block = Math.max(4, Math.floor(BLOCK_FLOATS / Math.max(1, inner)))
  const step = 4 * inner
  for (let r0 = 0; r0 < rows; r0 += block) {
    const start = xOff + r0 * inner
    const end = xOff + Math.min(rows, r0 + block) * inner
    for (let j = 0; j < inner; j++) {
      let s0 = 0
      let s1 = 0
      let s2 = 0
      let s3 = 0
      let o = start + j
      for (; o + 3 * inner < end; o += step) {
        s0 += heap[o]
        s1 += heap[o + inner]
        s2 += heap[o + 2 * inner]
        s3 += heap[o + 3 * inner]
      }
      for (; o < end; o += inner) s0 += heap[o]
      acc[j] += s0 + s1 + (s2 + s3)
    }
  }
  for (let j = 0; j < inner; j++) heap[outOff + j] = acc[j] * scale
}

/** The number of leading axes `axis` names (all of 0 … k−1 and nothing else), or 0. */
export function leadingAxes(axis: number | number[], rank: number): number {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort(
    (a, b) => a - b,
  )
  return axes.every((a, i) => a === i) ? axes.length : 0
}

/**
 * Sum and Mean over leading axes ([B, H, W, C] → [C]: every BatchNorm's batch statistics and their
 * gradients), replacing wasm's path for them: the stock kernels first transpose the whole tensor to
 * bring the axes innermost (12 against 4 ms for 64×32×32×64 floats). Every other reduction (and
 * reductions of every axis, already innermost) goes to the stock kernel unchanged.
 */
export function reduceLeading(env: KernelEnv, kernelName: 'Sum' | 'Mean'): WasmKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: TensorInfo }
    const { axis, keepDims } = attrs as unknown as tfjs.SumAttrs
    const rank = x.shape.length
    const k = leadingAxes(axis, rank)
    return withScope(env, backend, (s) => {
      if (x.dtype !== 'float32' || k === 0 || k === rank || sizeOf(x.shape) === 0)
        return s.keep(s.run(kernelName, { x }, { axis, keepDims }))
      const rows = sizeOf(x.shape.slice(0, k))
      const inner = sizeOf(x.shape.slice(k))
      const out = s.alloc(x.shape.slice(k))
      sumLeadingInto(s.heap(), s.offset(x), s.offset(out), rows, inner, kernelName === 'Mean' ? 1 / rows : 1)
      return s.keep(out, keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k))
    })
  }
}
