import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import type { BackendAttempt, TorchReport } from '../../shared/api/training'
import { torchOrSkip } from '../pytorch/test-kit'
import { useSwiftShader } from '../tfjs/test-kit'

const BIN = new URL('../../../bin/cnn-studio.js', import.meta.url).pathname

type Doctor = {
  backends: (BackendAttempt & { device?: string })[]
  chosen: string
  pytorch: TorchReport
  datasets: unknown[]
}

/** The real command in a child process, with `env` over this process's environment. */
function doctor(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'doctor', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  })
  expect(r.status, r.stderr).toBe(0)
  return r.stdout
}

// Dawn finds SwiftShader (Chromium's Vulkan on the CPU) through these; set before anything probes.
const swiftShader = useSwiftShader()
// The same machine without a Vulkan driver: the loader is pointed at a file that is not there.
const noVulkan = { VK_ICD_FILENAMES: '/nonexistent/vk_icd.json' }

describe('cnn-studio doctor', () => {
  it('reports every backend with its device or the reason it does not load, and the one training uses', () => {
    const out = JSON.parse(doctor(swiftShader, '--json')) as Doctor
    expect(out.backends.map((b) => b.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'])
    // WebAssembly and plain JavaScript ship with the npm packages: they load everywhere.
    expect(out.backends.slice(3)).toEqual([
      { name: 'wasm', ok: true, device: 'CPU (WebAssembly)' },
      { name: 'cpu', ok: true, device: 'CPU (JavaScript)' },
    ])
    for (const b of out.backends) expect(b.ok ? b.device : b.reason).toBeTruthy()
    expect(out.chosen).toBe(out.backends.find((b) => b.ok)!.name)
    expect(Array.isArray(out.datasets)).toBe(true)
  }, 60_000)

  it('lists WebGPU on SwiftShader with its adapter and limits, found but not chosen (software)', () => {
    const out = JSON.parse(doctor(swiftShader, '--json')) as Doctor
    const webgpu = out.backends.find((b) => b.name === 'webgpu')!
    expect(webgpu.ok).toBe(false)
    expect(webgpu.reason).toMatch(/^only a software adapter, SwiftShader.*--backend webgpu uses it/)
    expect(webgpu.adapter).toMatchObject({
      vendor: 'google',
      description: expect.stringMatching(/^SwiftShader/),
      fallback: true,
    })
    expect(webgpu.adapter!.maxBufferSize).toBeGreaterThanOrEqual(2 ** 28) // WebGPU's minimum: 256 MiB
    expect(webgpu.adapter!.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(2 ** 27)
    expect(out.chosen).toBe('wasm')

    // The text: the adapter and its limits under webgpu's reason, every line within 100 columns.
    const text = doctor(swiftShader)
    const lines = text.split('\n')
    const at = lines.findIndex((l) => l.startsWith('  ✗ webgpu'))
    expect(lines[at]).toMatch(/^ {2}✗ webgpu {10}only a software adapter, SwiftShader/)
    const below = lines.slice(
      at + 1,
      lines.findIndex((l) => l.startsWith('  ✗ tensorflow ')),
    )
    expect(below).toContain(
      `${' '.repeat(20)}adapter: ${webgpu.adapter!.description} (google swiftshader, software)`,
    )
    expect(below.at(-1)).toMatch(
      /^ {20}limits: maxBufferSize \d[\d.]* [MG]iB, maxStorageBufferBindingSize \d[\d.]* [MG]iB$/,
    )
    expect(text).toMatch(/\n {2}✓ wasm {12}CPU \(WebAssembly\)\n/)
    expect(text).toContain('\nTraining would use: wasm\n')
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100)
  }, 60_000)

  it('says why WebGPU does not load without a Vulkan driver, in Vulkan loader words', () => {
    const out = JSON.parse(doctor(noVulkan, '--json')) as Doctor
    const webgpu = out.backends.find((b) => b.name === 'webgpu')!
    expect(webgpu).toEqual({ name: 'webgpu', ok: false, reason: expect.any(String) })
    expect(webgpu.reason).toMatch(/^no WebGPU adapter: /)
    expect(webgpu.reason).toMatch(/\/nonexistent\/vk_icd\.json/)
    expect(webgpu.reason).toMatch(/vkCreateInstance|VK_ERROR_INCOMPATIBLE_DRIVER/)
    expect(out.chosen).toBe('wasm')
    const text = doctor(noVulkan)
    expect(text).toMatch(/\n {2}✗ webgpu {10}no WebGPU adapter: /)
    expect(text).not.toMatch(/^ {20}adapter: /m)
  }, 60_000)

  it('shows the PyTorch engine: the python and torch it found, or why none, with how to install it', async () => {
    const found = await torchOrSkip()
    if (found) {
      const out = JSON.parse(doctor({}, '--json')) as Doctor
      expect(out.pytorch.found).toEqual(found)
      expect(doctor({})).toContain(
        `\n  ✓ pytorch         PyTorch ${found.torch} (Python ${found.pythonVersion}, `,
      )
    }
    const none = { CNN_STUDIO_PYTHON: '/nonexistent/python3' }
    const out = JSON.parse(doctor(none, '--json')) as Doctor
    expect(out.pytorch).toEqual({
      found: null,
      reason: expect.stringMatching(/^No python was found \(tried \/nonexistent\/python3\)/),
      tried: [{ python: '/nonexistent/python3', reason: '/nonexistent/python3: not found' }],
    })
    const text = doctor(none)
    expect(text).toMatch(/\nPyTorch engine \(--engine pytorch\):\n {2}✗ pytorch {9}No python was found/)
    expect(text).toContain('pip install torch')
    for (const l of text.split('\n')) expect(l.length).toBeLessThanOrEqual(100)
  }, 60_000)
})
