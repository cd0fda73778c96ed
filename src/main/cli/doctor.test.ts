import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const BIN = new URL('../../../bin/cnn-studio.js', import.meta.url).pathname

describe('cnn-studio doctor', () => {
  it('reports every backend with its device or the reason it does not load, and the one training uses', () => {
    const r = spawnSync(process.execPath, [BIN, 'doctor', '--json'], { encoding: 'utf8', timeout: 60_000 })
    expect(r.status).toBe(0)
    const out = JSON.parse(r.stdout) as {
      backends: { name: string; ok: boolean; device?: string; reason?: string }[]
      chosen: string
      datasets: unknown[]
    }
    expect(out.backends.map((b) => b.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])
    // WebAssembly and plain JavaScript ship with the npm packages: they load everywhere.
    expect(out.backends.slice(2)).toEqual([
      { name: 'wasm', ok: true, device: 'CPU (WebAssembly)' },
      { name: 'cpu', ok: true, device: 'CPU (JavaScript)' },
    ])
    for (const b of out.backends) expect(b.ok ? b.device : b.reason).toBeTruthy()
    expect(out.chosen).toBe(out.backends.find((b) => b.ok)!.name)
    expect(Array.isArray(out.datasets)).toBe(true)
  }, 60_000)
})
