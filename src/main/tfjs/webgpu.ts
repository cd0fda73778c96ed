import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import type { GpuAdapterReport } from '../../shared/api/training'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { adapterName } from '../../shared/training/gpu-adapter'
import { formatMemory } from '../../shared/training/memory-format'

/**
 * WebGPU through Dawn's Node binding (npm `webgpu`: Vulkan on Linux and Windows' other drivers,
 * Metal on macOS, D3D12 on Windows) with TF.js's webgpu backend: a GPU path for any vendor without
 * CUDA. The backend is registered over our own device, so the adapter reported is the one that trains.
 */

// Names in variables: a bundler must leave them to Node (dawn.node is native; electron.vite.config).
const DAWN = 'webgpu'
const TFJS_WEBGPU = '@tensorflow/tfjs-backend-webgpu'

type Dawn = { create(options: string[]): GPU; globals: object }

let dawn: Promise<{ gpu: GPU }> | undefined

/** Dawn's GPU object, created once per thread, with the GPU* constants TF.js reads made global. */
function dawnGpu(): Promise<{ gpu: GPU }> {
  dawn ??= import(DAWN).then(
    (m: Dawn) => {
      Object.assign(globalThis, m.globals)
      const gpu = m.create([])
      // TF.js's WebGPUBackend checks `navigator.gpu` (Node 21+ has a navigator without one).
      const g = globalThis as { navigator?: object }
      g.navigator ??= {}
      if (!('gpu' in g.navigator))
        Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true })
      return { gpu }
    },
    (e: NodeJS.ErrnoException) => {
      throw new Error(
        e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND'
          ? `the ${DAWN} package (Dawn) is not installed; run npm install`
          : `Dawn (${DAWN}) did not load: ${e.message.split('\n')[0]}`,
      )
    },
  )
  return dawn
}

/** What the report shows of an adapter: who made it, what it is, and the limits training meets. */
export function describeAdapter(adapter: GPUAdapter): GpuAdapterReport {
  const info = adapter.info
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    fallback: (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  }
}

/** What a run records as its device on webgpu: the adapter and the buffer limit it trains under. */
export function webgpuDeviceName(a: GpuAdapterReport): string {
  return `GPU: ${adapterName(a)} via WebGPU, max buffer ${formatMemory(a.maxStorageBufferBindingSize)}`
}

/** What a probe found: an adapter, or why there is none in Dawn's own words. */
export type AdapterProbe = { adapter: GpuAdapterReport } | { reason: string }

let probed: AdapterProbe | undefined

/**
 * The adapter Dawn would give, asked in a child process: Dawn writes why it found none (Vulkan's
 * loader missing, no driver, a driver refusing) to the process's stderr, out of JavaScript's reach,
 * and on a machine without a GPU it would write it into every command's output. The child's stderr
 * becomes the reason; its answer is kept for the process (the hardware does not change while it
 * runs). Costs a few hundred milliseconds once; loads neither TF.js nor a device here.
 */
export function probeAdapter(): AdapterProbe {
  probed ??= probeInChild()
  return probed
}

function probeInChild(): AdapterProbe {
  let url: string
  try {
    url = pathToFileURL(createRequire(import.meta.url).resolve(DAWN)).href
  } catch {
    return { reason: `the ${DAWN} package (Dawn) is not installed; run npm install` }
  }
  const script = `
    const m = await import(${JSON.stringify(url)})
    const a = await m.create([]).requestAdapter({ powerPreference: 'high-performance' })
    const i = a?.info
    process.stdout.write(JSON.stringify(a && {
      vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description,
      fallback: i.isFallbackAdapter === true, maxBufferSize: a.limits.maxBufferSize,
      maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize }))
    process.exit(0)`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
    // Electron's binary runs as Node with this; plain Node ignores it.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  })
  const said = (r.stderr ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '))
    .map((l) => l.replace(/^Warning:\s*/, ''))
    .slice(0, 3)
    .join('; ')
  if (r.error) return { reason: `the WebGPU probe did not run: ${r.error.message}` }
  try {
    const adapter = JSON.parse(r.stdout) as GpuAdapterReport | null
    if (adapter) return { adapter }
  } catch {
    return { reason: `Dawn (${DAWN}) did not load: ${said || `exit status ${r.status}`}` }
  }
  return { reason: `no WebGPU adapter: ${said || 'no Vulkan, Metal or D3D12 driver offered one'}` }
}

export interface OpenedWebGpu {
  tf: Tfjs
  adapter: GpuAdapterReport
  device: GPUDevice
}

/**
 * Loads TF.js on WebGPU. A software (fallback) adapter such as SwiftShader is refused unless
 * `allowFallback` (`--backend webgpu`): it is a CPU pretending to be a GPU, slower than wasm.
 */
export async function openWebGpu(options: { allowFallback: boolean }): Promise<OpenedWebGpu> {
  const probe = probeAdapter()
  if ('reason' in probe) throw new Error(probe.reason)
  if (probe.adapter.fallback && !options.allowFallback) throw fallbackRefused(probe.adapter)
  const { gpu } = await dawnGpu()
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
  if (!adapter) throw new Error('no WebGPU adapter in this process, though a probe found one')
  const report = describeAdapter(adapter)
  if (report.fallback && !options.allowFallback) throw fallbackRefused(report)
  const limits = adapter.limits
  // As TF.js's own registration asks: the adapter's largest buffers and workgroups.
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxBufferSize: limits.maxBufferSize,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  })
  const tf = (await import('@tensorflow/tfjs')) as unknown as Tfjs
  const { WebGPUBackend } = (await import(TFJS_WEBGPU)) as {
    WebGPUBackend: new (device: GPUDevice, info?: GPUAdapterInfo) => object
  }
  // Registered under its usual name, over this device (the package registers its own only where a
  // browser's navigator.gpu exists).
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu')
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info) as never, 3)
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not initialise its webgpu backend')
  await tf.ready()
  return { tf, adapter: report, device }
}

export function fallbackRefused(adapter: GpuAdapterReport): AdapterRefusedError {
  return new AdapterRefusedError(
    `only a software adapter, ${adapterName(adapter)}: slower than wasm, so never chosen automatically (--backend webgpu uses it)`,
    adapter,
  )
}

/** A usable adapter that was not taken (software): the attempt still reports it. */
export class AdapterRefusedError extends Error {
  constructor(
    message: string,
    readonly adapter: GpuAdapterReport,
  ) {
    super(message)
  }
}
