import { execFileSync } from 'node:child_process'
import { freemem } from 'node:os'
import type { GpuAdapterReport } from '../../shared/api/training'
import type { BackendName } from './backends'
import { adapterName } from '../../shared/training/gpu-adapter'

/** What a backend can hold for one training run, and in words for a refusal. */
export interface MemoryBudget {
  /** Bytes training may use; null where it cannot be known (no check then). */
  bytes: number | null
  /** `the wasm backend has 3.9 GiB` reads `${where} has …`: e.g. `the wasm backend`. */
  where: string
  /** Why the number is what it is, for the message: `its 4 GiB heap less what TF.js itself takes`. */
  why: string
  /** The largest one tensor may be (WebGPU: one buffer a kernel binds); absent: no such limit. */
  maxTensor?: { bytes: number; why: string }
}

const MiB = 2 ** 20

/**
 * The wasm heap: 4 GiB less 64 KiB (emscripten's getHeapMax in tfjs-backend-wasm 4.22), less the 16
 * MiB heap TF.js starts with (its kernels and tables; measured before any tensor, bench/memory.ts).
 */
export const WASM_HEAP_BYTES = 2 ** 32 - 2 ** 16 - 16 * MiB

/**
 * Host memory left to the cpu and native backends: what the OS says is free (on Linux MemAvailable),
 * and within a cgroup's limit where Node knows one, less a reserve for the process itself, the
 * dataset and the checkpoints being written (JavaScript copies of the weights and the optimizer state).
 */
export function hostMemoryBytes(free = freemem(), constrained = processConstrainedMemory()): number {
  const limit = constrained > 0 && constrained < Number.MAX_SAFE_INTEGER ? Math.min(free, constrained) : free
  return Math.max(0, limit - 512 * MiB)
}

function processConstrainedMemory(): number {
  const p = process as NodeJS.Process & { constrainedMemory?: () => number | undefined }
  return p.constrainedMemory?.() ?? 0
}

/** Free memory of the first CUDA GPU nvidia-smi lists, in bytes; null when it cannot say. */
export function cudaFreeBytes(): number | null {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=memory.free', '--format=csv,noheader,nounits'], {
      encoding: 'utf8',
      timeout: 5000,
    })
    const mib = Number(out.split('\n')[0].trim())
    return Number.isFinite(mib) && mib > 0 ? mib * MiB : null
  } catch {
    return null
  }
}

/**
 * WebGPU reports no memory size, only the largest buffer: every tensor a kernel reads or writes must
 * fit one binding. The total is known only for NVIDIA's adapters (nvidia-smi); elsewhere a run that
 * exhausts the GPU fails at its first step with the batch to try (training/gpu-errors.ts).
 */
function webgpuBudget(adapter: GpuAdapterReport | undefined): MemoryBudget {
  const where = adapter ? `the GPU ${adapterName(adapter)}` : 'the webgpu backend'
  if (!adapter) return { bytes: null, where, why: 'its adapter is known once loaded' }
  const nvidia = adapter.vendor.toLowerCase() === 'nvidia' ? cudaFreeBytes() : null
  return {
    bytes: nvidia,
    where,
    why: nvidia !== null ? 'its free memory (nvidia-smi)' : 'WebGPU does not report its size',
    maxTensor:
      adapter.maxBufferSize < adapter.maxStorageBufferBindingSize
        ? { bytes: adapter.maxBufferSize, why: 'its maxBufferSize' }
        : { bytes: adapter.maxStorageBufferBindingSize, why: 'its maxStorageBufferBindingSize' },
  }
}

/** One function per backend: what it can hold (webgpu: given the adapter it found). */
export const MEMORY_BUDGETS: Record<BackendName, (adapter?: GpuAdapterReport) => MemoryBudget> = {
  webgpu: webgpuBudget,
  wasm: () => ({
    bytes: WASM_HEAP_BYTES,
    where: 'the wasm backend',
    why: 'its 4 GiB heap less the 16 MiB TF.js itself takes',
  }),
  cpu: () => ({
    bytes: hostMemoryBytes(),
    where: 'the cpu backend',
    why: "this machine's free memory less 512 MiB for the app and the dataset",
  }),
  tensorflow: () => ({
    bytes: hostMemoryBytes(),
    where: 'the tensorflow backend',
    why: "this machine's free memory less 512 MiB for the app and the dataset",
  }),
  'tensorflow-gpu': () => ({
    bytes: cudaFreeBytes(),
    where: 'the tensorflow-gpu backend',
    why: "the GPU's free memory (nvidia-smi)",
  }),
}
