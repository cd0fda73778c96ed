// The Export dialog when its target exists: it asks before replacing (issue 14).
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../shared/api/contract'
import {
  RUNS,
  byId,
  click,
  pathInput,
  ready,
  render,
  services,
  setValue,
  startButton,
  waitFor,
  setUpDialogTests,
} from './test-kit'

setUpDialogTests()

describe('replacing an existing target', () => {
  const existing = (files: string[]) =>
    services(RUNS, {
      'export.checkTarget': vi.fn(({ path }: { path: string }) => ({ out: path, replaces: files })),
    })

  it('asks first; keeping it exports nothing, replacing exports with overwrite', async () => {
    const { api, handlers } = existing(['/home/u/Downloads/LeNet-5.onnx'])
    await render(api)
    await ready()
    await click(startButton())
    await waitFor(() => expect(byId('export-confirm')).not.toBeNull())
    expect(byId('export-confirm')!.textContent).toBe(
      '/home/u/Downloads/LeNet-5.onnx already exists. Replace it with this export?ReplaceKeep it',
    )
    expect(handlers['export.checkTarget']).toHaveBeenCalledWith({
      path: '/home/u/Downloads/LeNet-5.onnx',
      format: 'onnx',
    })
    // The safe answer has the focus, and the Export button is gone while the dialog asks.
    expect(document.activeElement).toBe(byId('export-keep'))
    expect(byId('export-start')).toBeNull()
    await click(byId('export-keep'))
    expect(byId('export-confirm')).toBeNull()
    expect(handlers['export.model']).not.toHaveBeenCalled()

    await click(startButton())
    await waitFor(() => expect(byId('export-replace')).not.toBeNull())
    await click(byId('export-replace'))
    await waitFor(() => expect(byId('export-report')).not.toBeNull())
    expect(vi.mocked(handlers['export.model']).mock.calls[0][0]).toMatchObject({ overwrite: true })
  })

  it('names both TF.js files, and forgets the question when the path changes', async () => {
    const { api } = existing(['/m/weights.bin', '/m/model.json'])
    await render(api)
    await ready()
    await click(byId('export-format-tfjs'))
    await click(startButton())
    await waitFor(() =>
      expect(byId('export-confirm')!.textContent).toMatch(
        /^In \/m\/, weights\.bin and model\.json already exist\. Replace them/,
      ),
    )
    await setValue(pathInput(), '/elsewhere')
    expect(byId('export-confirm')).toBeNull()
    expect(startButton()).not.toBeNull()
  })

  it('does not ask again after the native save dialog asked', async () => {
    const { api, handlers } = services(RUNS, {
      'export.suggestPath': vi.fn(() => ({ path: '/home/u/LeNet-5.onnx', native: true })),
      'export.checkTarget': vi.fn(() => ({ out: '/picked/model.onnx', replaces: ['/picked/model.onnx'] })),
    })
    await render(api)
    await ready()
    await click(byId('export-choose'))
    await waitFor(() => expect(pathInput().value).toBe('/picked/model.onnx'))
    await click(startButton())
    await waitFor(() => expect(handlers['export.model']).toHaveBeenCalledTimes(1))
    expect(handlers['export.checkTarget']).not.toHaveBeenCalled()
    expect(vi.mocked(handlers['export.model']).mock.calls[0][0]).toMatchObject({
      path: '/picked/model.onnx',
      overwrite: true,
    })
    // A path typed afterwards is checked again.
    await setValue(pathInput(), '/picked/other.onnx')
    await click(startButton())
    await waitFor(() => expect(byId('export-confirm')).not.toBeNull())
  })

  it("shows a target that can never be written (the data folder's database) as an error", async () => {
    const refusal = "Refusing to export there: /data/cnn-studio.db is CNN Studio's project database"
    const { api, handlers } = services(RUNS, {
      'export.checkTarget': vi.fn(() => {
        throw new ApiError('invalid', refusal)
      }),
    })
    await render(api)
    await ready()
    await setValue(pathInput(), '/data/cnn-studio.db')
    await click(startButton())
    await waitFor(() => expect(byId('export-error')!.textContent).toBe(refusal))
    expect(handlers['export.model']).not.toHaveBeenCalled()
  })
})
