import { act } from 'react'
import { describe, expect, it, vi } from 'vitest'
import type { ExportReport } from '../../shared/api/export'
import {
  REPORT,
  RUNS,
  byId,
  click,
  pathInput,
  ready,
  render,
  services,
  setUpDialogTests,
  startButton,
  waitFor,
} from './test-kit'

setUpDialogTests()

const folder = '/home/u/Downloads/LeNet-5-pytorch'
const FILES = ['weights.safetensors', 'safetensors_io.py', 'train.py', 'config.json', 'README.md', 'model.py']

/** A PyTorch export's report: verified in PyTorch on the run's test images. */
const PYTORCH: ExportReport = {
  ...REPORT,
  format: 'pytorch',
  out: folder,
  files: FILES.map((f) => `${folder}/${f}`),
  bytes: 336_626,
  opset: null,
  layout: 'NCHW',
  weights: { trained: true, runId: 'r-new', epoch: 3 },
  inputs: [{ name: 'x', shape: ['N', 1, 28, 28] }],
  outputs: [{ name: 'logits', shape: ['N', 10] }],
  warnings: [],
  verification: {
    ...REPORT.verification!,
    engine: 'pytorch',
    data: 'dataset',
    samples: 16,
    maxAbsDiff: 1.8e-6,
  },
}

const NOT_FOUND =
  'PyTorch was not found (no python3 on this machine imports torch), so the folder was written without running it in PyTorch. To have PyTorch exports verified, install PyTorch 1.13 or later (pip install torch, or Debian’s apt-get install python3-torch), or set CNN_STUDIO_PYTHON to a python that has it, and export again.'

describe('the PyTorch format', () => {
  it('is the third format: a folder, no ONNX options, a note on what it writes and when it is checked', async () => {
    const { api, handlers } = services()
    await render(api)
    await ready()
    expect(byId('export-format-pytorch')!.closest('label')!.textContent).toBe('PyTorch (model.py + weights)')
    expect(byId('export-pytorch-note')).toBeNull()
    await click(byId('export-format-pytorch'))
    expect(byId('export-layout')).toBeNull()
    expect(byId('export-opset')).toBeNull()
    expect(byId('export-pytorch-note')!.textContent).toMatch(
      /model\.py .*weights\.safetensors, train\.py, config\.json and a README\. Checked in PyTorch when .* has python with torch; written unverified, saying so, when it has not\./,
    )
    expect(pathInput().getAttribute('aria-label')).toBe('Folder to write')
    await waitFor(() => expect(pathInput().value).toBe(folder))
    expect(handlers['export.suggestPath']).toHaveBeenLastCalledWith({
      projectName: 'LeNet/5',
      format: 'pytorch',
    })
  })

  it('asks about the folder, exports the chosen run, and shows the report: the six files, verified in PyTorch', async () => {
    let finish!: (r: ExportReport) => void
    const { api, handlers } = services(RUNS, {
      'export.model': vi.fn(() => new Promise<ExportReport>((r) => (finish = r))),
    })
    await render(api)
    await ready()
    await click(byId('export-format-pytorch'))
    await waitFor(() => expect(pathInput().value).toBe(folder))
    await click(startButton())
    await waitFor(() =>
      expect(byId('export-busy')!.textContent).toMatch(/checking it against TF\.js in PyTorch/),
    )
    expect(handlers['export.checkTarget']).toHaveBeenCalledWith({ path: folder, format: 'pytorch' })
    expect(handlers['export.model']).toHaveBeenCalledWith({
      source: { runId: 'r-new' },
      format: 'pytorch',
      path: folder,
      layout: 'NCHW',
      opset: 17,
      tolerance: 1e-4,
      seed: 1,
      overwrite: false,
    })
    await act(async () => finish(PYTORCH))
    await waitFor(() => expect(byId('export-report')).not.toBeNull())
    const report = byId('export-report')!
    expect(report.querySelector('h3')!.textContent).toBe('Exported to PyTorch')
    expect(report.textContent).toContain(`Folder${folder}`)
    expect(byId('export-report-size')!.textContent).toBe('337 KB (336,626 bytes in 6 files)')
    expect([...byId('export-report-files')!.querySelectorAll('code')].map((c) => c.textContent)).toEqual(
      FILES,
    )
    expect(report.textContent).not.toContain('Opset')
    expect(report.textContent).toContain('x [N, 1, 28, 28]')
    expect(report.textContent).toContain('logits [N, 10]')
    expect(byId('export-verification')!.textContent).toBe(
      '✓ Verified with PyTorch on 16 test images: max |Δ logit| 1.8e-6 (logits up to 0.421, tolerance 0.0001), top-1 agreement 100%.',
    )
  })

  it('says plainly when the folder was written without PyTorch to check it, and why', async () => {
    const { api } = services(RUNS, {
      'export.model': vi.fn(() => ({ ...PYTORCH, verification: null, notVerified: NOT_FOUND })),
    })
    await render(api)
    await ready()
    await click(byId('export-format-pytorch'))
    await click(startButton())
    await waitFor(() => expect(byId('export-report')).not.toBeNull())
    const line = byId('export-verification')!
    expect(line.textContent).toBe(`⚠ Not verified. ${NOT_FOUND}`)
    expect(line.className).toContain('unverified')
    expect(byId('export-report')!.textContent).not.toContain('Verified with')
    expect(byId('export-error')).toBeNull()
  })

  it('names the folder once when it would replace several of its files', async () => {
    const { api, handlers } = services(RUNS, {
      'export.checkTarget': vi.fn(({ path }: { path: string }) => ({
        out: path,
        replaces: [`${path}/train.py`, `${path}/README.md`, `${path}/model.py`],
      })),
    })
    await render(api)
    await ready()
    await click(byId('export-format-pytorch'))
    await waitFor(() => expect(pathInput().value).toBe(folder))
    await click(startButton())
    await waitFor(() =>
      expect(byId('export-confirm')!.textContent).toMatch(
        new RegExp(
          `^In ${folder}/, train\\.py, README\\.md and model\\.py already exist\\. Replace them with this export\\?`,
        ),
      ),
    )
    expect(handlers['export.model']).not.toHaveBeenCalled()
    await click(byId('export-replace'))
    await waitFor(() => expect(handlers['export.model']).toHaveBeenCalledTimes(1))
    expect(vi.mocked(handlers['export.model']).mock.calls[0][0]).toMatchObject({
      format: 'pytorch',
      overwrite: true,
    })
  })
})
