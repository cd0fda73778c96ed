import { act } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../shared/api/contract'
import type { ExportReport } from '../../shared/api/export'
import type { SaveStatus } from '../projects/use-autosave'
import { summary } from '../training/test-kit'
import {
  REPORT,
  RUNS,
  byId,
  checked,
  click,
  pathInput,
  ready,
  render,
  services,
  setValue,
  sourceText,
  sources,
  startButton,
  unmount,
  waitFor,
  setUpDialogTests,
} from './test-kit'

setUpDialogTests()

describe('sources', () => {
  it('saves first, lists the runs with weights newest first, and preselects the newest finished one', async () => {
    const order: string[] = []
    const { api, handlers } = services(RUNS, {
      'runs.list': vi.fn(() => (order.push('runs'), RUNS)),
    })
    const save = vi.fn(async (): Promise<SaveStatus> => (order.push('save'), { state: 'saved' }))
    await render(api, { save })
    await ready()
    expect(order).toEqual(['save', 'runs'])
    expect(handlers['runs.list']).toHaveBeenCalledWith({ id: 'p1' })
    expect(sources().map((s) => s.value)).toEqual(['r-live', 'r-new', 'r-old', 'untrained'])
    expect(checked()).toBe('r-new')
    expect(sourceText(0)).toMatch(/running/)
    expect(sourceText(1)).toMatch(/finished.*3 epochs/)
    expect(sourceText(1)).toMatch(/best val 98\.12% · test 98\.03%/)
    expect(sourceText(1)).not.toMatch(/earlier version/)
    expect(sourceText(2)).toMatch(/earlier version of the graph/)
    expect(sourceText(3)).toMatch(/Untrained weights/)
    // A trained run chosen: no untrained warning.
    expect(byId('export-untrained')).toBeNull()
  })

  it('warns when untrained weights are chosen', async () => {
    const { api } = services()
    await render(api)
    await ready()
    await click(sources()[3])
    expect(checked()).toBe('untrained')
    expect(byId('export-untrained')!.textContent).toMatch(/untrained/)
    await click(sources()[2])
    expect(byId('export-untrained')).toBeNull()
    expect(byId('export-stale')!.textContent).toMatch(/earlier version of the graph/)
  })

  it('offers only untrained weights when no run saved any, and exports the project then', async () => {
    const { api, handlers } = services([summary({ id: 'r-none', status: 'failed', epochsDone: 0 })])
    await render(api)
    await ready()
    expect(sources().map((s) => s.value)).toEqual(['untrained'])
    expect(checked()).toBe('untrained')
    expect(byId('export-untrained')!.textContent).toMatch(/No run of this project saved weights yet/)
    await click(startButton())
    await waitFor(() => expect(handlers['export.model']).toHaveBeenCalledTimes(1))
    expect(vi.mocked(handlers['export.model']).mock.calls[0][0]).toMatchObject({
      source: { projectId: 'p1' },
    })
  })

  it('says when the page alone cannot export', async () => {
    const { api, handlers } = services()
    await render(api, { projectId: null })
    expect(byId('export-unavailable')!.textContent).toMatch(/cnn-studio serve/)
    expect(handlers['runs.list']).not.toHaveBeenCalled()
  })
})

describe('the request', () => {
  it('sends the chosen run, format, layout, opset and path', async () => {
    const { api, handlers } = services()
    await render(api)
    await ready()
    expect(pathInput().value).toBe('/home/u/Downloads/LeNet-5.onnx')
    expect(handlers['export.suggestPath']).toHaveBeenCalledWith({ projectName: 'LeNet/5', format: 'onnx' })
    expect(byId<HTMLSelectElement>('export-layout')!.value).toBe('NCHW')
    expect(byId<HTMLSelectElement>('export-opset')!.value).toBe('17')
    await click(sources()[2])
    await setValue(byId('export-layout')!, 'NHWC')
    await setValue(byId('export-opset')!, '13')
    await setValue(pathInput(), '  /tmp/out/net.onnx ')
    await click(startButton())
    await waitFor(() => expect(handlers['export.model']).toHaveBeenCalledTimes(1))
    expect(handlers['export.model']).toHaveBeenCalledWith({
      source: { runId: 'r-old' },
      format: 'onnx',
      path: '/tmp/out/net.onnx',
      layout: 'NHWC',
      opset: 13,
      tolerance: 1e-4,
      seed: 1,
      overwrite: false,
    })
  })

  it('exports untrained TF.js into a suggested folder, saving the latest edits first', async () => {
    const { api, handlers } = services()
    const { save } = await render(api)
    await ready()
    await click(sources()[3])
    await click(byId('export-format-tfjs'))
    // No ONNX options for TF.js, and the untouched path follows the format.
    expect(byId('export-layout')).toBeNull()
    expect(byId('export-opset')).toBeNull()
    await waitFor(() => expect(pathInput().value).toBe('/home/u/Downloads/LeNet-5-tfjs'))
    await click(startButton())
    await waitFor(() => expect(handlers['export.model']).toHaveBeenCalledTimes(1))
    expect(save).toHaveBeenCalledTimes(2)
    expect(handlers['export.model']).toHaveBeenCalledWith({
      source: { projectId: 'p1' },
      format: 'tfjs',
      path: '/home/u/Downloads/LeNet-5-tfjs',
      layout: 'NCHW',
      opset: 17,
      tolerance: 1e-4,
      seed: 1,
      overwrite: false,
    })
  })

  it('keeps a typed path when the format changes', async () => {
    const { api, handlers } = services()
    await render(api)
    await ready()
    await setValue(pathInput(), '/srv/models/mine')
    await click(byId('export-format-tfjs'))
    await waitFor(() => expect(handlers['export.suggestPath']).toHaveBeenCalledTimes(2))
    await act(() => new Promise((r) => setTimeout(r, 10)))
    expect(pathInput().value).toBe('/srv/models/mine')
  })

  it('shows "Choose…" only with a native dialog, and takes the path it picks', async () => {
    const plain = services()
    await render(plain.api)
    await ready()
    expect(byId('export-choose')).toBeNull()
    unmount()

    const { api, handlers } = services(RUNS, {
      'export.suggestPath': vi.fn(() => ({ path: '/home/u/LeNet-5.onnx', native: true })),
    })
    await render(api)
    await ready()
    await click(byId('export-choose'))
    await waitFor(() => expect(pathInput().value).toBe('/picked/model.onnx'))
    expect(handlers['export.choosePath']).toHaveBeenCalledWith({
      suggested: '/home/u/LeNet-5.onnx',
      format: 'onnx',
    })
  })
})

describe('the outcome', () => {
  it('is busy while exporting, then shows the verification report', async () => {
    let finish!: (r: ExportReport) => void
    const { api } = services(RUNS, {
      'export.model': vi.fn(() => new Promise<ExportReport>((r) => (finish = r))),
    })
    await render(api)
    await ready()
    await click(startButton())
    await waitFor(() => expect(startButton().textContent).toBe('Exporting…'))
    expect(startButton().disabled).toBe(true)
    expect(byId('export-busy')!.textContent).toMatch(/onnxruntime/)
    expect(byId<HTMLButtonElement>('export-close')!.disabled).toBe(true)
    await act(async () => finish(REPORT))
    await waitFor(() => expect(byId('export-report')).not.toBeNull())
    expect(startButton().textContent).toBe('Export')
    expect(byId('export-busy')).toBeNull()
    const report = byId('export-report')!.textContent!
    expect(byId('export-report-out')!.textContent).toBe('/tmp/out/LeNet-5.onnx')
    expect(byId('export-report-size')!.textContent).toBe('248 KB (247,913 bytes)')
    expect(report).toMatch(/Opset17 · input layout NCHW/)
    expect(report).toMatch(/untrained \(seed 1\)/)
    expect(report).toContain('images [N, 1, 28, 28]')
    expect(report).toContain('logits [N, 10]')
    expect(report).toContain('probabilities [N, 10]')
    expect(byId('export-verification')!.textContent).toBe(
      '✓ Verified with onnxruntime on 8 random inputs: max |Δ logit| 3.1e-7 (logits up to 0.421, tolerance 0.0001), top-1 agreement 100%.',
    )
    expect(byId('export-warnings')!.textContent).toBe(REPORT.warnings[0])
    expect(byId('export-error')).toBeNull()
  })

  it('shows why the export failed, keeping the form filled', async () => {
    const refusal = 'The folder /nowhere does not exist. Create it or choose another place.'
    const { api, handlers } = services(RUNS, {
      'export.model': vi.fn(() => {
        throw new ApiError('invalid', refusal)
      }),
    })
    await render(api)
    await ready()
    await setValue(byId('export-opset')!, '15')
    await setValue(pathInput(), '/nowhere/net.onnx')
    await click(startButton())
    await waitFor(() => expect(byId('export-error')!.textContent).toBe(refusal))
    expect(byId('export-error')!.getAttribute('role')).toBe('alert')
    expect(byId('export-report')).toBeNull()
    expect(pathInput().value).toBe('/nowhere/net.onnx')
    expect(byId<HTMLSelectElement>('export-opset')!.value).toBe('15')
    expect(checked()).toBe('r-new')
    expect(startButton().disabled).toBe(false)

    // A second try clears the error; a success shows the report.
    vi.mocked(handlers['export.model']).mockImplementation(() => REPORT)
    await click(startButton())
    await waitFor(() => expect(byId('export-report')).not.toBeNull())
    expect(byId('export-error')).toBeNull()
  })

  it('refuses to export untrained edits that could not be saved', async () => {
    const save = vi.fn(async (): Promise<SaveStatus> => ({ state: 'failed', message: 'disk full' }))
    const { api, handlers } = services([])
    await render(api, { save })
    await ready()
    expect(byId('export-save-problem')!.textContent).toMatch(/disk full/)
    await click(startButton())
    await waitFor(() => expect(byId('export-error')!.textContent).toMatch(/could not be saved.*disk full/))
    expect(handlers['export.model']).not.toHaveBeenCalled()
  })

  it('closes with Escape or the close button', async () => {
    const { api } = services()
    const { onClose } = await render(api)
    await ready()
    await act(async () =>
      byId('export-dialog')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })),
    )
    expect(onClose).toHaveBeenCalledTimes(1)
    await click(byId('export-close'))
    expect(onClose).toHaveBeenCalledTimes(2)
  })
})
