import { describe, expect, it } from 'vitest'
import { backendReport, loadBackend } from './backends'
import { useSwiftShader } from './test-kit'
import { openWebGpu, probeAdapter, webgpuDeviceName } from './webgpu'

// SwiftShader: a software adapter, the only one on machines without a GPU.
useSwiftShader()

describe('WebGPU through Dawn', () => {
  it('probes the adapter without opening it: SwiftShader, a software (fallback) one, with its limits', () => {
    const probe = probeAdapter()
    expect(probe).toMatchObject({
      adapter: { vendor: 'google', architecture: 'swiftshader', fallback: true },
    })
    const { adapter } = probe as Extract<typeof probe, { adapter: unknown }>
    expect(adapter.description).toMatch(/SwiftShader/)
    expect(adapter.maxBufferSize).toBeGreaterThanOrEqual(256 * 2 ** 20)
    expect(adapter.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20)
    expect(webgpuDeviceName(adapter)).toMatch(
      /^GPU: SwiftShader driver [\d.]+ \(google swiftshader, software\) via WebGPU, max buffer [\d.]+ [GM]iB$/,
    )
  })

  it('never chooses a software adapter by itself, and says so with the adapter', async () => {
    await expect(openWebGpu({ allowFallback: false })).rejects.toThrow(
      /only a software adapter, SwiftShader .*: slower than wasm, so never chosen automatically \(--backend webgpu uses it\)/,
    )
    const report = await backendReport()
    expect(report.chosen).toBe('wasm')
    const webgpu = report.attempts.find((a) => a.name === 'webgpu')!
    expect(webgpu).toMatchObject({ ok: false, adapter: { fallback: true } })
  })

  it('trains on it when asked for by name: TF.js computes on the GPU device', async () => {
    const b = await loadBackend({ force: 'webgpu' })
    expect([b.name, b.tf.getBackend()]).toEqual(['webgpu', 'webgpu'])
    expect(b.adapter?.fallback).toBe(true)
    const { tf } = b
    const x = tf.variable(tf.tensor2d([[1, 2]]))
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.matMul(x, tf.tensor2d([[3], [4]]))).asScalar(),
      [x],
    )
    expect(await value.data()).toEqual(new Float32Array([11]))
    expect(await grads[x.name].data()).toEqual(new Float32Array([3, 4]))
    tf.dispose([x, value, grads[x.name]])
  })

  it('is skipped where synchronous reads are needed (export)', async () => {
    const b = await loadBackend({ skip: ['webgpu'] })
    expect(b.attempts.map((a) => a.name)).not.toContain('webgpu')
  })
})
