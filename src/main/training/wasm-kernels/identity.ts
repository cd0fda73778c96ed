import {
  withScope,
  type KernelEnv,
  type TensorInfo,
  type WasmKernelFunc,
  type WasmBackend,
} from './wasm-backend'

/** The same data under a new tensor: one more reference, no copy (TF.js tensors are immutable). */
function share(backend: WasmBackend, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId)
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype }
}

/**
 * Identity, replacing wasm's own, which copies. TF.js clones every tensor it saves for a gradient
 * (engine.saveTensorsForBackwardMode: keep(clone(t))), so on wasm each saved activation existed twice
 * until the end of the backward pass: a third of ResNet-18's training heap (3.5 against 2.5 GiB at
 * batch 64). Shares the data instead, as the cpu backend's Identity does; strings keep the stock copy.
 */
export function identity(env: KernelEnv): WasmKernelFunc {
  return ({ inputs, backend }) => {
    const { x } = inputs as { x: TensorInfo }
    if (x.dtype === 'string') return withScope(env, backend, (s) => s.keep(s.run('Identity', { x })))
    return share(backend, x)
  }
}

/** Cast, sharing the data where the type does not change (BatchNorm's moments cast float32 to float32). */
export function cast(env: KernelEnv): WasmKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: TensorInfo }
    if (attrs.dtype === x.dtype && x.dtype !== 'string') return share(backend, x)
    return withScope(env, backend, (s) => s.keep(s.run('Cast', { x }, attrs)))
  }
}
