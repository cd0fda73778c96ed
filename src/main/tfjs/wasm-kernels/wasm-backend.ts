import type * as tfjs from '@tensorflow/tfjs'

/** The TF.js namespace, injected by the caller (the one whose kernel registry the wasm backend uses). */
export type Tf = typeof tfjs
export type TensorInfo = tfjs.TensorInfo
export type Attrs = tfjs.NamedAttrMap
type DataId = TensorInfo['dataId']

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` these kernels use. Its class cannot be imported
 * as a value without loading a second copy of the package, so it is described here.
 */
export interface WasmBackend {
  wasm: { HEAPU8: Uint8Array }
  dataIdMap: { get(dataId: DataId): { id: number; memoryOffset: number } | undefined }
  makeOutput(shape: number[], dtype: tfjs.DataType): TensorInfo
  disposeData(dataId: DataId, force?: boolean): boolean
  incRef(dataId: DataId): void
  numDataIds(): number
}

/** A kernel function as TF.js calls it, typed for the wasm backend. */
export type WasmKernelFunc = (args: {
  inputs: tfjs.NamedTensorInfoMap
  backend: WasmBackend
  attrs: Attrs
}) => TensorInfo

/**
 * What the kernels share: the TF.js namespace, and the stock wasm kernels captured before any of
 * them was replaced (a replacement that delegates to the stock kernel must never find itself).
 */
export interface KernelEnv {
  tf: Tf
  stock: Map<string, tfjs.KernelFunc>
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/**
 * One kernel call's work space. Every tensor made here (by `alloc` or by running another wasm kernel)
 * is a temporary freed by `dispose()` unless handed out with `keep()`: kernels that call kernels must
 * leave TF.js's data bookkeeping exactly as they found it, plus their one output.
 */
export class Scope {
  private readonly temps = new Set<TensorInfo>()

  constructor(
    readonly env: KernelEnv,
    readonly backend: WasmBackend,
  ) {}

  /** Runs a wasm kernel (the stock one where ours replaced it) and owns its output. */
  run(kernelName: string, inputs: tfjs.NamedTensorInfoMap, attrs: Attrs = {}): TensorInfo {
    const func = this.env.stock.get(kernelName) ?? this.env.tf.getKernel(kernelName, 'wasm')?.kernelFunc
    if (!func) throw new Error(`The wasm backend has no '${kernelName}' kernel`)
    const out = func({ inputs, backend: this.backend as unknown as tfjs.KernelBackend, attrs })
    if (Array.isArray(out)) throw new Error(`Kernel '${kernelName}' returned several tensors`)
    this.temps.add(out)
    return out
  }

  /** A new tensor on the wasm heap (float32 unless told), uninitialised. */
  alloc(shape: number[], dtype: tfjs.DataType = 'float32'): TensorInfo {
    const out = this.backend.makeOutput(shape, dtype)
    this.temps.add(out)
    return out
  }

  /** A new float32 tensor filled with zeros. */
  zeros(shape: number[]): TensorInfo {
    const out = this.alloc(shape)
    this.f32(out).fill(0)
    return out
  }

  /**
   * The float32 values of a tensor, as a view on the wasm heap. The view goes stale when the heap
   * grows (any allocation may grow it): take views after the allocations, never keep them across one.
   */
  f32(info: TensorInfo): Float32Array {
    const data = this.backend.dataIdMap.get(info.dataId)
    if (!data) throw new Error('Tensor data is not on the wasm backend')
    return new Float32Array(this.backend.wasm.HEAPU8.buffer, data.memoryOffset, sizeOf(info.shape))
  }

  /** The whole wasm heap as floats (stale after the heap grows, as `f32` views). */
  heap(): Float32Array {
    const buffer = this.backend.wasm.HEAPU8.buffer
    return new Float32Array(buffer, 0, buffer.byteLength >>> 2)
  }

  /** Where a tensor's values start on the wasm heap, in bytes. */
  byteOffset(info: TensorInfo): number {
    const data = this.backend.dataIdMap.get(info.dataId)
    if (!data) throw new Error('Tensor data is not on the wasm backend')
    return data.memoryOffset
  }

  /** Where a float32 tensor's values start in `heap()`, in floats. */
  offset(info: TensorInfo): number {
    return this.byteOffset(info) >>> 2
  }

  /** The same data seen with another shape of the same size (no copy; no new data id). */
  reshaped(info: TensorInfo, shape: number[]): TensorInfo {
    if (sizeOf(shape) !== sizeOf(info.shape)) throw new Error(`Cannot view [${info.shape}] as [${shape}]`)
    return { dataId: info.dataId, shape, dtype: info.dtype }
  }

  /** Hands a temporary out of the scope (the kernel's result), with the given shape. */
  keep(info: TensorInfo, shape: number[] = info.shape): TensorInfo {
    if (!this.temps.delete(info)) throw new Error('keep() takes a tensor made in this scope')
    return { dataId: info.dataId, shape, dtype: info.dtype }
  }

  /** Frees a temporary now (to keep peak memory down in loops). */
  free(info: TensorInfo): void {
    if (this.temps.delete(info)) this.backend.disposeData(info.dataId)
  }

  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId)
    this.temps.clear()
  }
}

/** Runs `body` in a scope that frees every temporary, also when it throws. */
export function withScope(env: KernelEnv, backend: WasmBackend, body: (s: Scope) => TensorInfo): TensorInfo {
  const scope = new Scope(env, backend)
  try {
    return body(scope)
  } finally {
    scope.dispose()
  }
}

/** Batch size per chunk such that one chunk's temporary holds at most `budget` floats (at least 1). */
export function chunkSize(batch: number, floatsPerItem: number, budget: number): number {
  return Math.max(1, Math.min(batch, Math.floor(budget / Math.max(1, floatsPerItem))))
}

/**
 * Floats one temporary (im2col columns) may hold: 8 Mi floats = 32 MiB. Large enough for the
 * matrix multiplications to run at full speed, small against the 4 GiB heap.
 */
export const CHUNK_FLOATS = 8 * 1024 * 1024
