import {
  sizeOf,
  withScope,
  type KernelEnv,
  type TensorInfo,
  type WasmBackend,
  type WasmKernelFunc,
} from './wasm-backend'

/** The same data under a new tensor: one more reference, no copy (TF.js tensors are immutable). */
function share(backend: WasmBackend, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId)
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype }
}

/**
 * Identity, replacing wasm's own, which copies. TF.js clones every tensor it saves for a gradient
 * (engine.saveTensorsForBackwardMode: keep(clone(t))), so on wasm each saved activation existed twice
 * until the end of the backward pass: 30 % of ResNet-18's training heap (3.5 against 2.5 GiB at
 * batch 64). Shares the data instead, as the cpu backend's Identity does.
 */
export function identity(): WasmKernelFunc {
  return ({ inputs, backend }) => share(backend, (inputs as { x: TensorInfo }).x)
}

/**
 * Cast, replacing wasm's own: shares the data where the type does not change (BatchNorm's moments
 * cast float32 to float32), and casts to bool as x ≠ 0 (the stock kernel copies the numbers into
 * bytes: 2 stays 2, −0.5 and NaN become false, −3 becomes 253). Other casts go to the stock kernel.
 */
export function cast(env: KernelEnv): WasmKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: TensorInfo }
    if (attrs.dtype === x.dtype) return share(backend, x)
    return withScope(env, backend, (s) => {
      if (attrs.dtype !== 'bool' || (x.dtype !== 'float32' && x.dtype !== 'int32'))
        return s.keep(s.run('Cast', { x }, attrs))
      const out = s.alloc([...x.shape], 'bool')
      const n = sizeOf(x.shape)
      const buffer = backend.wasm.HEAPU8.buffer
      const values =
        x.dtype === 'float32'
          ? new Float32Array(buffer, s.byteOffset(x), n)
          : new Int32Array(buffer, s.byteOffset(x), n)
      const bools = new Uint8Array(buffer, s.byteOffset(out), n)
      for (let i = 0; i < n; i++) bools[i] = values[i] !== 0 ? 1 : 0
      return s.keep(out)
    })
  }
}
