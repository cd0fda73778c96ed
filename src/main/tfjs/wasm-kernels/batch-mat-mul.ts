import type * as tfjs from '@tensorflow/tfjs'
import { transposeInto } from './transpose'
import { sizeOf, withScope, type KernelEnv, type TensorInfo, type WasmKernelFunc } from './wasm-backend'

/**
 * BatchMatMul, wrapping wasm's own: the stock kernel uses XNNPACK only for untransposed operands of
 * batch 1 and otherwise a plain C++ loop 10–20× slower (3 against 40 GFLOP/s). Every Dense layer's
 * backward pass multiplies by a transpose (dx = dy · Wᵀ, dW = xᵀ · dy), so a transposed operand of a
 * batch-1 product is transposed first (`transposeInto`: one pass, cheap next to the product) and the product runs untransposed. Everything else goes to the stock kernel unchanged.
 */
export function batchMatMul(env: KernelEnv): WasmKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo }
    const { transposeA, transposeB } = attrs as unknown as tfjs.BatchMatMulAttrs
    const single = (t: TensorInfo) => sizeOf(t.shape.slice(0, -2)) === 1
    return withScope(env, backend, (s) => {
      const plain = !(transposeA || transposeB) || !single(a) || !single(b)
      if (plain || a.dtype !== 'float32' || b.dtype !== 'float32')
        return s.keep(s.run('BatchMatMul', { a, b }, { transposeA, transposeB }))
      const matrix = (t: TensorInfo, transpose: boolean): TensorInfo => {
        const [r, c] = t.shape.slice(-2)
        if (!transpose) return s.reshaped(t, [1, r, c])
        const tT = s.alloc([1, c, r])
        transposeInto(s.heap(), s.offset(t), s.offset(tT), r, c)
        return tT
      }
      const out = s.run(
        'BatchMatMul',
        { a: matrix(a, transposeA), b: matrix(b, transposeB) },
        { transposeA: false, transposeB: false },
      )
      const outer = (a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2)
      return s.keep(out, [...outer, ...out.shape.slice(-2)])
    })
  }
}
