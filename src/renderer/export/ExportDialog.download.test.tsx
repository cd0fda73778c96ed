// The Export dialog in browser mode: no path on the server, the verified export is downloaded (issue 15).
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../shared/api/contract'
import type { ExportDownload } from '../../shared/api/export'
import { saveDownload } from '../api/http'
import {
  REPORT,
  RUNS,
  byId,
  click,
  render,
  services,
  sources,
  startButton,
  waitFor,
  setUpDialogTests,
} from './test-kit'

setUpDialogTests()

const KEPT: ExportDownload = {
  report: { ...REPORT, out: 'LeNet-5.onnx', files: ['LeNet-5.onnx'] },
  id: '42-abcdefghijklmnopqrstuv',
  name: 'LeNet-5.onnx',
  bytes: REPORT.bytes,
  expiresAt: '2026-03-04T10:10:00.000Z',
}

describe('browser mode: Download instead of a path', () => {
  it('shows no path field, exports with export.download and hands the file to the browser', async () => {
    const { api, handlers } = services(RUNS, { 'export.download': vi.fn(() => KEPT) })
    const download = vi.fn()
    await render(api, { download })
    await waitFor(() => expect(sources().length).toBeGreaterThan(0))
    expect(byId('export-path')).toBeNull()
    expect(byId('export-choose')).toBeNull()
    expect(handlers['export.suggestPath']).not.toHaveBeenCalled()
    expect(byId('export-download-note')!.textContent).toBe(
      'Your browser saves the .onnx file once it is verified.',
    )
    expect(startButton().textContent).toBe('Download')
    await click(startButton())
    await waitFor(() => expect(byId('export-report')).not.toBeNull())
    expect(vi.mocked(handlers['export.download']!).mock.calls[0][0]).toMatchObject({
      source: { runId: 'r-new' },
      format: 'onnx',
      layout: 'NCHW',
      opset: 17,
    })
    expect(handlers['export.model']).not.toHaveBeenCalled()
    expect(handlers['export.checkTarget']).not.toHaveBeenCalled()
    expect(download).toHaveBeenCalledWith(KEPT)
    expect(byId('export-report-out')!.textContent).toBe('LeNet-5.onnx')
  })

  it('says a folder format comes as a .tar; a failure is shown and nothing is downloaded', async () => {
    const { api } = services(RUNS, {
      'export.download': vi.fn(() => {
        throw new ApiError('internal', 'The exported model does not compute what TF.js computes.')
      }),
    })
    const download = vi.fn()
    await render(api, { download })
    await waitFor(() => expect(sources().length).toBeGreaterThan(0))
    await click(byId('export-format-pytorch'))
    expect(byId('export-download-note')!.textContent).toMatch(/as one \.tar archive \(model\.py, /)
    await click(startButton())
    await waitFor(() => expect(byId('export-error')).not.toBeNull())
    expect(byId('export-error')!.textContent).toMatch(/does not compute what TF.js computes/)
    expect(download).not.toHaveBeenCalled()
  })
})

describe('saveDownload', () => {
  it('clicks a link to /download/<id> with the token and the file name', () => {
    const clicked: HTMLAnchorElement[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this)
    })
    saveDownload({ id: '42-a/b', name: 'LeNet-5.onnx' }, 't+k', 'http://127.0.0.1:7860')
    expect(clicked.map((a) => [a.href, a.download])).toEqual([
      ['http://127.0.0.1:7860/download/42-a%2Fb?token=t%2Bk', 'LeNet-5.onnx'],
    ])
    expect(document.querySelector('a[download]')).toBeNull()
  })
})
