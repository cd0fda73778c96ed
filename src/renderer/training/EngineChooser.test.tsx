import { describe, expect, it, vi } from 'vitest'
import type { TorchReport } from '../../shared/api/training'
import {
  byId,
  DEFAULTS,
  services,
  render,
  setValue,
  startButton,
  summary,
  text,
  waitFor,
  click,
  setUpPanelTests,
} from './test-kit'

setUpPanelTests()

const options = (id: string) =>
  [...byId(id)!.querySelectorAll('option')].map((o) => `${o.textContent}${o.disabled ? ' [disabled]' : ''}`)

describe('the engine choice', () => {
  it('offers PyTorch when found, with its version, python and GPUs, and starts a run on it', async () => {
    const { api, handlers } = services()
    await render(api)
    await waitFor(() => expect(text('engine-report')).toMatch(/^Also here: PyTorch 2\.3\.0 in/))
    expect(text('engine-report')).toBe(
      'Also here: PyTorch 2.3.0 in /usr/bin/python3 (Python 3.11.2), on CUDA NVIDIA H100 80GB HBM3 (79.6 GiB): choose it above to train in python.',
    )
    expect(options('train-engine')).toEqual(['TF.js (in the app)', 'PyTorch 2.3.0 (python3)'])
    // TF.js chooses a backend; PyTorch a device and processes instead.
    expect(byId('train-backend')).not.toBeNull()
    expect(byId('train-device')).toBeNull()
    await setValue(byId('train-engine')!, 'pytorch')
    expect(byId('train-backend')).toBeNull()
    expect(text('engine-report')).toBe(
      'Trains with PyTorch 2.3.0 in /usr/bin/python3 (Python 3.11.2), on CUDA NVIDIA H100 80GB HBM3 (79.6 GiB).',
    )
    expect(options('train-device')).toEqual(['auto (CUDA)', 'cpu', 'cuda', 'mps (not here) [disabled]'])
    // One GPU: one process on CUDA, up to 8 on the CPU (gloo).
    expect(options('train-processes')).toEqual(['1'])
    await setValue(byId('train-device')!, 'cpu')
    expect(options('train-processes')).toHaveLength(8)
    await setValue(byId('train-processes')!, '2')
    expect(options('train-processes')[1]).toBe('2 (gloo)')
    await waitFor(() => expect(startButton().disabled).toBe(false))
    await click(startButton())
    await waitFor(() => expect(handlers['training.start']).toHaveBeenCalledTimes(1))
    expect(handlers['training.start']).toHaveBeenCalledWith({
      projectId: 'p1',
      dataset: { builtin: 'mnist' },
      hyperparameters: DEFAULTS,
      engine: { name: 'pytorch', processes: 2, device: 'cpu' },
    })
    // Back to CUDA: the processes fall to what its GPUs allow.
    await setValue(byId('train-device')!, 'cuda')
    expect((byId('train-processes') as HTMLSelectElement).value).toBe('1')
  })

  it('does not offer PyTorch where it was not found, and says why', async () => {
    const missing: TorchReport = {
      found: null,
      reason:
        "PyTorch cannot be used: python3 (Python 3.11.7) has no PyTorch (ModuleNotFoundError: No module named 'torch'). To train with PyTorch, install PyTorch: pip install torch, or Debian's python3-torch (apt-get install python3-torch).",
      tried: [],
    }
    const { api } = services([], { 'training.engines': vi.fn(() => ({ pytorch: missing })) })
    await render(api)
    await waitFor(() => expect(text('engine-missing')).not.toBeNull())
    expect(text('engine-missing')).toBe(`PyTorch is not offered: ${missing.reason}`)
    expect(options('train-engine')).toEqual(['TF.js (in the app)', 'PyTorch (not found here) [disabled]'])
  })

  it("shows a run's engine with its device", async () => {
    const run = summary({
      status: 'running',
      engine: { name: 'pytorch', processes: 2, device: 'cpu' },
      backend: 'pytorch',
      device: 'CPU: 1 thread via PyTorch 1.13.0, 2 processes (gloo)',
    })
    await render(services([run]).api)
    await waitFor(() => expect(byId('run-backend')).not.toBeNull())
    expect(text('run-backend')).toBe(' · PyTorch on CPU: 1 thread via PyTorch 1.13.0, 2 processes (gloo)')
  })
})
