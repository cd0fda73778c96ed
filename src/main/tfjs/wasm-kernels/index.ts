import type * as tfjs from '@tensorflow/tfjs'
import { FUSED_ADAM, fusedAdam } from './adam'
import { avgPoolGrad } from './avg-pool-grad'
import { batchMatMul } from './batch-mat-mul'
import { conv2DBackpropFilter } from './conv2d-backprop-filter'
import { conv2DBackpropInput } from './conv2d-backprop-input'
import { depthwiseBackpropFilter } from './depthwise-backprop-filter'
import { depthwiseBackpropInput } from './depthwise-backprop-input'
import { cast, identity } from './identity'
import { maxPoolGrad } from './max-pool-grad'
import { reduceLeading } from './reduce-leading'
import { tile } from './tile'
import type { KernelEnv, Tf, WasmKernelFunc } from './wasm-backend'

/**
 * Marks our kernel functions, so that a second registration recognises them (also across module
 * copies); its value is the stock kernel function ours replaced (null where wasm had none).
 */
const OURS = Symbol.for('cnn-studio.wasm-training-kernel')
type Marked = tfjs.KernelFunc & { [OURS]?: tfjs.KernelFunc | null }

/** The stock kernel function behind a registered one (ours or not). */
const stockOf = (f: Marked): tfjs.KernelFunc | null => (OURS in f ? (f[OURS] ?? null) : f)

type Factory = (env: KernelEnv) => WasmKernelFunc

/**
 * The kernels registered for 'wasm', by TF.js kernel name, with why (tfjs-backend-wasm 4.22):
 * - missing: Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropInput, DepthwiseConv2dNativeBackpropFilter;
 * - wrong: MaxPoolGrad (all-≤ 0 windows, ties), AvgPoolGrad (windows over padding, as every TF.js backend),
 *   Cast to bool (copies numbers into bytes);
 * - about 10× slow: Conv2DBackpropInput, BatchMatMul with a transposed operand (every Dense gradient);
 * - slow or memory-hungry in training: Tile (BatchNorm gradient), Sum and Mean over leading axes
 *   (BatchNorm statistics), Identity (copies every tensor saved for the backward pass);
 * - ours only: the fused Adam step (FUSED_ADAM, the training optimizer's; TF.js's Adam runs ~10 kernels per variable).
 */
const KERNELS: Record<string, Factory> = {
  Conv2DBackpropFilter: (env) => conv2DBackpropFilter(env),
  Conv2DBackpropInput: (env) => conv2DBackpropInput(env),
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
  MaxPoolGrad: maxPoolGrad,
  AvgPoolGrad: avgPoolGrad,
  BatchMatMul: batchMatMul,
  Tile: tile,
  Sum: (env) => reduceLeading(env, 'Sum'),
  Mean: (env) => reduceLeading(env, 'Mean'),
  Identity: () => identity(),
  Cast: cast,
  [FUSED_ADAM]: (env) => fusedAdam(env) as unknown as WasmKernelFunc,
}

/** Kernels ours call, captured before any replacement so that a replacement can delegate to the stock one. */
const STOCK_NEEDED = [
  'BatchMatMul',
  'Cast',
  'Conv2D',
  'DepthwiseConv2dNative',
  'Identity',
  'Mean',
  'Sum',
  'Tile',
]

/**
 * The kernels' environment: the namespace and the stock wasm kernel behind every name they call or
 * replace (found behind ours where ours are already registered).
 */
export function kernelEnv(tf: Tf): KernelEnv {
  for (const name of STOCK_NEEDED)
    if (!tf.getKernel(name, 'wasm'))
      throw new Error(
        `The wasm backend's '${name}' kernel is not registered: import '@tensorflow/tfjs-backend-wasm' first`,
      )
  const env: KernelEnv = { tf, stock: new Map() }
  for (const name of new Set([...STOCK_NEEDED, ...Object.keys(KERNELS)])) {
    const config = tf.getKernel(name, 'wasm')
    const stock = config ? stockOf(config.kernelFunc) : null
    if (stock) env.stock.set(name, stock)
  }
  return env
}

/** The names of the kernels `registerWasmTrainingKernels` puts in place. */
export const WASM_TRAINING_KERNELS: readonly string[] = Object.keys(KERNELS)

/**
 * Registers the training kernels for the 'wasm' backend (call after `import
 * '@tensorflow/tfjs-backend-wasm'`, e.g. after `tf.setBackend('wasm')`). Idempotent: a second call
 * finds its kernels in place and changes nothing. Returns the names of the kernels in place.
 */
export function registerWasmTrainingKernels(tf: Tf): string[] {
  const env = kernelEnv(tf)
  for (const [name, make] of Object.entries(KERNELS)) {
    const current = tf.getKernel(name, 'wasm')
    if (current && OURS in current.kernelFunc) continue
    const kernelFunc: Marked = Object.assign(make(env) as unknown as tfjs.KernelFunc, {
      [OURS]: env.stock.get(name) ?? null,
    })
    if (current) tf.unregisterKernel(name, 'wasm')
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc })
  }
  return [...WASM_TRAINING_KERNELS]
}
