import { describe, expect, it, vi } from 'vitest'
import type { BackendAttempt, BackendReport } from '../../shared/api/training'
import {
  byId,
  click,
  services,
  render,
  setValue,
  startButton,
  text,
  waitFor,
  setUpPanelTests,
} from './test-kit'
import { NVIDIA_ADAPTER as nvidia, SWIFTSHADER_ADAPTER as swiftShader } from '../../shared/training/test-kit'

setUpPanelTests()

const notInstalled = (name: 'tensorflow-gpu' | 'tensorflow'): BackendAttempt => ({
  name,
  ok: false,
  reason: `@tensorflow/${name === 'tensorflow' ? 'tfjs-node' : 'tfjs-node-gpu'} is not installed`,
})

async function panelWith(report: BackendReport) {
  const s = services([], { 'training.backends': vi.fn(() => report) })
  await render(s.api)
  await waitFor(() => expect(text('backend-report')).toMatch(/^Auto trains with/))
  return s
}
const option = (name: string) =>
  byId('train-backend')!.querySelector<HTMLOptionElement>(`option[value="${name}"]`)!
/** The adapter card as its lines: `label value`. */
const card = (within: HTMLElement) =>
  [...within.querySelectorAll('[data-testid="gpu-adapter"] dt')].map(
    (dt) => `${dt.textContent} ${dt.nextElementSibling!.textContent}`,
  )

describe('the backend report', () => {
  it('shows a software adapter that auto skips, and lets webgpu be chosen to train on it', async () => {
    const { handlers } = await panelWith({
      chosen: 'wasm',
      device: 'CPU (WebAssembly)',
      attempts: [
        notInstalled('tensorflow-gpu'),
        {
          name: 'webgpu',
          ok: false,
          reason: 'only a software adapter, SwiftShader driver 5.0.0 (google swiftshader, software): …',
          adapter: swiftShader,
        },
        notInstalled('tensorflow'),
        { name: 'wasm', ok: true },
      ],
    })
    const webgpu = byId('backend-failed-webgpu')!
    expect(webgpu.textContent).toMatch(
      /^webgpu: found only a software adapter, slower than wasm, so auto skips it; choose webgpu above/,
    )
    expect(card(webgpu)).toEqual([
      'WebGPU adapter SwiftShader driver 5.0.0',
      'Vendor google swiftshader',
      'Type software: runs on the CPU',
      'Largest buffer 1 GiB',
      'Largest binding 1 GiB (each tensor must fit one)',
    ])
    // Selectable, and said to be slow; backends that do not load are not.
    expect(option('webgpu').disabled).toBe(false)
    expect(option('webgpu').textContent).toBe('webgpu (software adapter: slow)')
    expect(option('tensorflow-gpu').disabled).toBe(true)
    expect(option('tensorflow-gpu').textContent).toBe('tensorflow-gpu (does not load here)')
    await waitFor(() => expect(startButton().disabled).toBe(false))
    await setValue(byId('train-backend')!, 'webgpu')
    await click(startButton())
    await waitFor(() => expect(handlers['training.start']).toHaveBeenCalledTimes(1))
    expect(handlers['training.start']).toHaveBeenCalledWith(expect.objectContaining({ backend: 'webgpu' }))
  })

  it('shows the hardware adapter auto trains on, with its limits', async () => {
    await panelWith({
      chosen: 'webgpu',
      device: 'GPU: NVIDIA H100 80GB HBM3 (nvidia hopper) via WebGPU, max buffer 2 GiB',
      attempts: [notInstalled('tensorflow-gpu'), { name: 'webgpu', ok: true, adapter: nvidia }],
    })
    const report = byId('backend-report')!
    expect(report.querySelector('p')!.textContent).toBe(
      'Auto trains with webgpu on GPU: NVIDIA H100 80GB HBM3 (nvidia hopper) via WebGPU, max buffer 2 GiB.',
    )
    expect(card(report)).toEqual([
      'WebGPU adapter NVIDIA H100 80GB HBM3',
      'Vendor nvidia hopper',
      'Type hardware GPU',
      'Largest buffer 4 GiB',
      'Largest binding 2 GiB (each tensor must fit one)',
    ])
    expect(option('webgpu').textContent).toBe('webgpu')
    expect(option('auto').textContent).toBe('auto (fastest that loads: webgpu)')
  })

  it('says why webgpu did not load when Dawn found no adapter, and does not offer it', async () => {
    // The panel's default report: no Vulkan driver.
    const { api } = services()
    await render(api)
    await waitFor(() => expect(byId('backend-failed-webgpu')).not.toBeNull())
    expect(text('backend-failed-webgpu')).toBe(
      'webgpu: no WebGPU adapter: vkCreateInstance: Found no drivers!',
    )
    expect(byId('gpu-adapter')).toBeNull()
    expect(option('webgpu').disabled).toBe(true)
    expect(option('webgpu').textContent).toBe('webgpu (does not load here)')
  })
})
