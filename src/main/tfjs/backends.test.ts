import { describe, expect, it } from 'vitest'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { BACKENDS, loadBackend, type BackendName, type Loader } from './backends'

const fake = (works: BackendName[]): Record<BackendName, Loader> =>
  Object.fromEntries(
    BACKENDS.map((name) => [
      name,
      (async () => {
        if (!works.includes(name)) throw new Error(`${name} is not here`)
        return { tf: {} as Tfjs, device: `device of ${name}` }
      }) satisfies Loader,
    ]),
  ) as unknown as Record<BackendName, Loader>

describe('loadBackend', () => {
  it('takes the fastest backend that loads and says why each better one did not', async () => {
    const b = await loadBackend({ loaders: fake(['wasm', 'cpu']) })
    expect(b.name).toBe('wasm')
    expect(b.device).toBe('device of wasm')
    expect(b.attempts).toEqual([
      { name: 'tensorflow-gpu', ok: false, reason: 'tensorflow-gpu is not here' },
      { name: 'webgpu', ok: false, reason: 'webgpu is not here' },
      { name: 'tensorflow', ok: false, reason: 'tensorflow is not here' },
      { name: 'wasm', ok: true },
    ])
    expect((await loadBackend({ loaders: fake(['tensorflow-gpu', 'cpu']) })).name).toBe('tensorflow-gpu')
  })

  it('loads exactly the forced backend, or explains why it cannot', async () => {
    expect((await loadBackend({ force: 'cpu', loaders: fake(['wasm', 'cpu']) })).name).toBe('cpu')
    await expect(loadBackend({ force: 'tensorflow', loaders: fake(['wasm']) })).rejects.toThrow(
      "The 'tensorflow' backend was asked for but cannot load (tensorflow: tensorflow is not here).",
    )
  })

  it('loads the real WebAssembly backend, which computes', async () => {
    const { tf, name, device } = await loadBackend({ force: 'wasm' })
    expect([name, device, tf.getBackend()]).toEqual(['wasm', 'CPU (WebAssembly)', 'wasm'])
    const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]))
    expect(await y.data()).toEqual(new Float32Array([11]))
    y.dispose()
  })

  it('on the real machine, picks the first backend that loads and explains the ones before it', async () => {
    const b = await loadBackend()
    expect(b.attempts.at(-1)).toEqual({ name: b.name, ok: true })
    for (const a of b.attempts.slice(0, -1)) expect(a.reason!.length).toBeGreaterThan(10)
  })
})
