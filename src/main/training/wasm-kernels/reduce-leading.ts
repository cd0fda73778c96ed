import type * as tfjs from '@tensorflow/tfjs'
import { sizeOf, withScope, type KernelEnv, type TensorInfo, type WasmKernelFunc } from './wasm-backend'

/** out[j] = Σ over r of x[r·inner + j] (in doubles), scaled by `scale`: a reduction over the leading axes. */
export function sumLeadingInto(
  heap: Float32Array,
  xOff: number,
  outOff: number,
  rows: number,
  inner: number,
  scale: number,
): void {
  const acc = new Float64Array(inner)
  for (let r = 0; r < rows; r++) {
    const o = xOff + r * inner
    for (let j = 0; j < inner; j++) acc[j] += heap[o + j]
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
