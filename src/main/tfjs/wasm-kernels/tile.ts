import type * as tfjs from '@tensorflow/tfjs'
import { sizeOf, withScope, type KernelEnv, type TensorInfo, type WasmKernelFunc } from './wasm-backend'

/**
 * Writes `x` (shape `shape`, at element offset xOff of `heap`) tiled `reps` times per axis at outOff.
 * Each axis's first copy is built from the inner axes, then doubled in place with copyWithin (a native
 * memmove), so a [1, 1, 1, C] → [B, H, W, C] tile costs about log2(B·H·W) moves.
 */
export function tileInto(
  heap: Float32Array,
  xOff: number,
  outOff: number,
  shape: readonly number[],
  reps: readonly number[],
): void {
  const rank = shape.length
  if (rank === 0) {
    heap.copyWithin(outOff, xOff, xOff + 1)
    return
  }
  const xStride = new Array<number>(rank)
  const outStride = new Array<number>(rank)
  xStride[rank - 1] = outStride[rank - 1] = 1
  for (let i = rank - 2; i >= 0; i--) {
    xStride[i] = xStride[i + 1] * shape[i + 1]
    outStride[i] = outStride[i + 1] * shape[i + 1] * reps[i + 1]
  }
  /** Repeats the block [dst, dst + len) until it stands r times in a row. */
  const replicate = (dst: number, len: number, r: number) => {
    for (let done = 1; done < r;) {
      const n = Math.min(done, r - done)
      heap.copyWithin(dst + done * len, dst, dst + n * len)
      done += n
    }
  }
  const fill = (axis: number, src: number, dst: number): void => {
    if (axis === rank - 1) {
      heap.copyWithin(dst, src, src + shape[axis])
    } else {
      for (let j = 0; j < shape[axis]; j++) fill(axis + 1, src + j * xStride[axis], dst + j * outStride[axis])
    }
    replicate(dst, shape[axis] * outStride[axis], reps[axis])
  }
  fill(0, xOff, outOff)
}

/**
 * Tile, replacing wasm's own for 4-byte types: the stock kernel is a generic per-element loop, and the
 * gradient of every BatchNorm tiles its per-channel scale to the full activation size (it took 0.7 s
 * of a 4 s training step of a small ResNet at batch 64). Other dtypes go to the stock kernel.
 */
export function tile(env: KernelEnv): WasmKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: TensorInfo }
    const { reps } = attrs as unknown as tfjs.TileAttrs
    return withScope(env, backend, (s) => {
      if (x.dtype !== 'float32' && x.dtype !== 'int32') return s.keep(s.run('Tile', { x }, { reps }))
      const outShape = x.shape.map((d, i) => d * reps[i])
      const out = s.alloc(outShape, x.dtype)
      // copyWithin moves bits, so a float view serves int32 as well.
      if (sizeOf(outShape) > 0) tileInto(s.heap(), s.offset(x), s.offset(out), x.shape, reps)
      return s.keep(out)
    })
  }
}
