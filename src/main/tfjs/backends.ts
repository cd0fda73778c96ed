import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { registerWasmTrainingKernels } from './wasm-kernels'

/** TF.js backends, fastest first: native CUDA, native CPU, WebAssembly, plain JavaScript. */
export const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const
export type BackendName = (typeof BACKENDS)[number]

export interface BackendAttempt {
  name: BackendName
  ok: boolean
  /** Why it did not load (absent when it did). */
  reason?: string
}

export interface LoadedBackend {
  tf: Tfjs
  name: BackendName
  /** What runs the maths, e.g. `GPU 0: NVIDIA H100 (CUDA)` or `CPU (WebAssembly)`. */
  device: string
  /** Every backend tried, in order, with the reason each better one did not load. */
  attempts: BackendAttempt[]
}

export type Loader = () => Promise<{ tf: Tfjs; device: string }>

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
  tensorflow: async () => ({ tf: await importOptional(TFJS_NODE), device: 'CPU (libtensorflow)' }),
  wasm: async () => ({ tf: await pureTfjs('wasm'), device: 'CPU (WebAssembly)' }),
  cpu: async () => ({ tf: await pureTfjs('cpu'), device: 'CPU (JavaScript)' }),
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
 * The backend `loadBackend()` would choose, guessed without loading any (loading TF.js costs seconds
 * and memory): the native packages when installed (the GPU one only with a CUDA GPU listed), else
 * wasm. A native package that is installed but fails to load makes the worker fall back further;
 * the worker then checks again against the backend it got (training/worker.ts).
 */
export function expectedBackend(): BackendName {
  if (installed(TFJS_NODE_GPU) && cudaGpus().length > 0) return 'tensorflow-gpu'
  if (installed(TFJS_NODE)) return 'tensorflow'
  return 'wasm'
}

/**
 * Loads the fastest backend that works, or exactly `force`. The result says what was chosen, on
 * which device, and why each better backend did not load (for `cnn-studio doctor` and the run).
 */
export async function loadBackend(
  options: { force?: BackendName; loaders?: Record<BackendName, Loader> } = {},
): Promise<LoadedBackend> {
  const loaders = options.loaders ?? LOADERS
  const order = options.force ? [options.force] : BACKENDS
  const attempts: BackendAttempt[] = []
  for (const name of order) {
    try {
      const { tf, device } = await loaders[name]()
      attempts.push({ name, ok: true })
      return { tf, name, device, attempts }
    } catch (e) {
      attempts.push({ name, ok: false, reason: (e as Error).message })
    }
  }
  const why = attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')
  throw new Error(
    options.force
      ? `The '${options.force}' backend was asked for but cannot load (${why}). Leave out --backend to use the fastest that works.`
      : `No TF.js backend could load (${why}).`,
  )
}
