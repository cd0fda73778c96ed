import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import {
  BACKEND_NAMES,
  type BackendAttempt,
  type BackendChoice,
  type BackendReport,
  type GpuAdapterReport,
} from '../../shared/api/training'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { registerWasmTrainingKernels } from './wasm-kernels'
import { AdapterRefusedError, fallbackRefused, openWebGpu, probeAdapter, webgpuDeviceName } from './webgpu'

/** TF.js backends, fastest first (the contract's list). */
export const BACKENDS = BACKEND_NAMES
export type BackendName = BackendChoice

export interface LoadedBackend {
  tf: Tfjs
  name: BackendName
  /** What runs the maths, e.g. `GPU 0: NVIDIA H100 (CUDA)` or `CPU (WebAssembly)`. */
  device: string
  /** WebGPU's adapter (webgpu only). */
  adapter?: GpuAdapterReport
  /** WebGPU's device, for its error scopes and loss (webgpu only). */
  gpuDevice?: GPUDevice
  /** Every backend tried, in order, with the reason each better one did not load. */
  attempts: BackendAttempt[]
}

/** Loads one backend; `forced`: asked for by name (webgpu then takes a software adapter too). */
export type Loader = (options: {
  forced: boolean
}) => Promise<{ tf: Tfjs; device: string; adapter?: GpuAdapterReport; gpuDevice?: GPUDevice }>

// Names in variables: the native packages are optional and usually absent, so neither the type
// checker nor a bundler may try to resolve them.
const TFJS_NODE_GPU = '@tensorflow/tfjs-node-gpu'
const TFJS_NODE = '@tensorflow/tfjs-node'

async function importOptional(name: string): Promise<Tfjs> {
  try {
    return (await import(name)) as Tfjs
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new Error(
      code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
        ? `${name} is not installed (its install downloads libtensorflow, which failed or was skipped)`
        : `${name} did not load: ${(e as Error).message.split('\n')[0]}`,
    )
  }
}

/** The CUDA GPUs nvidia-smi lists; none when it is absent. */
export function cudaGpus(): string[] {
  try {
    return execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5000 })
      .split('\n')
      .filter((l) => l.startsWith('GPU '))
  } catch {
    return []
  }
}

async function pureTfjs(backend: 'wasm' | 'cpu'): Promise<Tfjs> {
  const tf = (await import('@tensorflow/tfjs')) as unknown as Tfjs
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm')
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js could not initialise its ${backend} backend`)
  await tf.ready()
  // The kernels training needs that tfjs-backend-wasm lacks or gets wrong.
  if (backend === 'wasm') registerWasmTrainingKernels(tf as never)
  return tf
}

export const LOADERS: Record<BackendName, Loader> = {
  'tensorflow-gpu': async () => {
    const tf = await importOptional(TFJS_NODE_GPU)
    // tfjs-node-gpu quietly falls back to the CPU without CUDA: only a listed GPU counts.
    const gpus = cudaGpus()
    if (gpus.length === 0) throw new Error(`${TFJS_NODE_GPU} loaded, but nvidia-smi lists no CUDA GPU`)
    return { tf, device: `${gpus[0].split(' (UUID')[0]} (CUDA)` }
  },
  webgpu: async ({ forced }) => {
    const { tf, adapter, device } = await openWebGpu({ allowFallback: forced })
    return { tf, device: webgpuDeviceName(adapter), adapter, gpuDevice: device }
  },
  tensorflow: async () => ({ tf: await importOptional(TFJS_NODE), device: 'CPU (libtensorflow)' }),
  wasm: async () => ({ tf: await pureTfjs('wasm'), device: 'CPU (WebAssembly)' }),
  cpu: async () => ({ tf: await pureTfjs('cpu'), device: 'CPU (JavaScript)' }),
}

/** A backend that did not load: why, and the adapter it found but did not take. */
export function failedAttempt(name: BackendName, e: unknown): BackendAttempt {
  return {
    name,
    ok: false,
    reason: (e as Error).message,
    ...(e instanceof AdapterRefusedError ? { adapter: e.adapter } : {}),
  }
}

/** Whether an optional package is installed (resolvable), without loading it. */
function installed(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name)
    return true
  } catch {
    return false
  }
}

/**
 * The backend `loadBackend()` would choose (or `force`), guessed without loading TF.js (seconds and
 * memory): the native packages when installed (the GPU one only with a CUDA GPU listed), webgpu when
 * Dawn offers a hardware adapter (any adapter when forced: its limits are checked), else wasm.
 * Throws when webgpu is forced and Dawn finds no adapter (why, in Dawn's words). A backend that
 * then fails to load makes the worker fall back further; the worker checks again against the
 * backend it got (training/worker.ts).
 */
export function expectedBackend(force?: BackendName): { name: BackendName; adapter?: GpuAdapterReport } {
  if (force === 'webgpu') {
    const probe = probeAdapter()
    // Asked for by name, with no adapter to be had: it would fail in the worker, so say why now.
    if ('reason' in probe) throw new BackendUnavailableError(force, probe.reason)
    return { name: force, adapter: probe.adapter }
  }
  if (force) return { name: force }
  if (installed(TFJS_NODE_GPU) && cudaGpus().length > 0) return { name: 'tensorflow-gpu' }
  const probe = probeAdapter()
  if ('adapter' in probe && !probe.adapter.fallback) return { name: 'webgpu', adapter: probe.adapter }
  if (installed(TFJS_NODE)) return { name: 'tensorflow' }
  return { name: 'wasm' }
}

/**
 * Loads the fastest backend that works, or exactly `force`. The result says what was chosen, on
 * which device, and why each better backend did not load (for `cnn-studio doctor` and the run).
 */
export async function loadBackend(
  options: {
    force?: BackendName
    loaders?: Record<BackendName, Loader>
    /** Backends not to try (export reads weights synchronously, which webgpu cannot in Node). */
    skip?: BackendName[]
  } = {},
): Promise<LoadedBackend> {
  const loaders = options.loaders ?? LOADERS
  const order = options.force ? [options.force] : BACKENDS.filter((b) => !options.skip?.includes(b))
  const attempts: BackendAttempt[] = []
  for (const name of order) {
    try {
      const loaded = await loaders[name]({ forced: options.force === name })
      attempts.push({ name, ok: true, ...(loaded.adapter ? { adapter: loaded.adapter } : {}) })
      return { ...loaded, name, attempts }
    } catch (e) {
      attempts.push(failedAttempt(name, e))
    }
  }
  const why = attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')
  throw new Error(options.force ? forcedRefusal(options.force, why) : `No TF.js backend could load (${why}).`)
}

/** Why the backend asked for by name cannot train: `why` is each attempt's reason. */
function forcedRefusal(name: BackendName, why: string): string {
  return `The '${name}' backend was asked for but cannot load (${why}). Leave out --backend to use the fastest that works.`
}

/** A backend asked for by name that is known not to load here, and why. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(forcedRefusal(backend, `${backend}: ${reason}`))
  }
}

/**
 * What training would use and why each faster backend does not load, for the training panel.
 * Like `loadBackend()`, except that WebGPU is probed, not opened: a report must not hold a GPU
 * device (and its memory) in the app's main process.
 */
export async function backendReport(): Promise<BackendReport> {
  const attempts: BackendAttempt[] = []
  for (const name of BACKENDS) {
    if (name === 'webgpu') {
      const probe = probeAdapter()
      if ('adapter' in probe && !probe.adapter.fallback) {
        attempts.push({ name, ok: true, adapter: probe.adapter })
        return { chosen: name, device: webgpuDeviceName(probe.adapter), attempts }
      }
      attempts.push(
        'adapter' in probe
          ? failedAttempt(name, fallbackRefused(probe.adapter))
          : { name, ok: false, reason: probe.reason },
      )
      continue
    }
    try {
      const { device } = await LOADERS[name]({ forced: false })
      attempts.push({ name, ok: true })
      return { chosen: name, device, attempts }
    } catch (e) {
      attempts.push(failedAttempt(name, e))
    }
  }
  throw new Error(
    `No TF.js backend could load (${attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')}).`,
  )
}
