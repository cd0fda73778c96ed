import { act } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../shared/api/contract'
import type { DatasetInfo } from '../../shared/api/training'
import { useDocument } from '../store/document-store'
import {
  drawn,
  datasets,
  services,
  render,
  waitFor,
  byId,
  allById,
  text,
  setValue,
  click,
  setUpPanelTests,
} from './test-kit'

setUpPanelTests()

describe('dataset chooser', () => {
  it('offers the dataset here that fits the graph, with samples and counts per class', async () => {
    const { api, handlers } = services()
    await render(api)
    await waitFor(() => expect(allById('dataset-class')).toHaveLength(10))
    expect(byId<HTMLInputElement>('dataset-option-mnist')!.querySelector('input')!.checked).toBe(true)
    expect(handlers['datasets.preview']).toHaveBeenCalledWith({ dataset: { builtin: 'mnist' }, perClass: 4 })
    expect(text('dataset-summary')).toBe('MNIST: 28×28×1 · 10 classes · 60,045 training / 10,000 test images')
    expect(allById('dataset-class-counts')[3].textContent).toBe('6,003 / 1,000')
    // Two samples per class, each drawn at its size in grey.
    expect(allById('dataset-sample')).toHaveLength(20)
    await waitFor(() => expect(drawn).toHaveLength(20))
    expect(drawn[2].width).toBe(28)
    expect([...drawn[2].data.slice(0, 4)]).toEqual([10, 10, 10, 255])
    expect(byId('dataset-mismatch')).toBeNull()
    // Not on this machine: offered for download, not for training.
    const fashion = byId('dataset-option-fashion-mnist')!
    expect(fashion.querySelector('input')!.disabled).toBe(true)
    expect(fashion.textContent).toContain('not on this machine')
  })

  it('warns when a 3-channel dataset meets a 1-channel Input, saying what to change', async () => {
    const { api } = services()
    await render(api)
    await waitFor(() => expect(allById('dataset-class')).toHaveLength(10))
    await click(byId('dataset-option-cifar10')!.querySelector('input'))
    await waitFor(() => expect(byId('dataset-mismatch')).not.toBeNull())
    const warning = text('dataset-mismatch')!
    expect(warning).toContain(
      "CIFAR-10 has 3 channels (RGB) but the Input node takes 1. Set the Input's channels to 3.",
    )
    expect(warning).toContain(
      'CIFAR-10 images are 32×32 but the Input node takes 28×28. Set the Input to 32×32.',
    )
    // RGB samples are drawn in colour.
    await waitFor(() => expect(drawn.some((d) => d.width === 32)).toBe(true))
    // Fixing the graph clears the warning.
    await act(async () =>
      useDocument.getState().change((d) => ({
        ...d,
        nodes: d.nodes.map((n) =>
          n.id === 'in' ? { ...n, params: { height: 32, width: 32, channels: 3 } } : n,
        ),
      })),
    )
    expect(byId('dataset-mismatch')).toBeNull()
  })

  it('downloads a dataset with a progress bar, then offers it', async () => {
    let finish!: (d: DatasetInfo) => void
    const fashion: DatasetInfo = {
      ...datasets[0],
      id: 'fashion-mnist',
      name: 'Fashion-MNIST',
      location: '/data/fashion-mnist',
    }
    const { api, emit, handlers } = services([], {
      'datasets.download': vi.fn(() => new Promise<DatasetInfo>((r) => (finish = r))),
    })
    await render(api)
    await waitFor(() => expect(byId('dataset-download-fashion-mnist')).not.toBeNull())
    await click(byId('dataset-download-fashion-mnist'))
    expect(handlers['datasets.download']).toHaveBeenCalledWith({ id: 'fashion-mnist' })
    await act(async () =>
      emit('datasets.progress', {
        id: 'fashion-mnist',
        bytes: 5_000_000,
        total: 20_000_000,
        file: 'train-images',
      }),
    )
    const bar = byId<HTMLProgressElement>('dataset-progress-fashion-mnist')!
    expect(bar.value).toBe(5_000_000)
    expect(bar.max).toBe(20_000_000)
    expect(byId('dataset-option-fashion-mnist')!.textContent).toContain('train-images 5.00 MB of 20.0 MB')
    await act(async () => finish(fashion))
    await waitFor(() => expect(byId('dataset-progress-fashion-mnist')).toBeNull())
    expect(byId('dataset-option-fashion-mnist')!.querySelector('input')!.disabled).toBe(false)
  })

  it('takes an image folder by its path', async () => {
    const { api, handlers } = services([], {
      'datasets.preview': vi.fn(() => {
        throw new ApiError('invalid', '/data/flowers does not exist.')
      }),
    })
    await render(api)
    await setValue(byId<HTMLInputElement>('dataset-folder')!, '/data/flowers')
    await click(byId('dataset-folder-use'))
    await waitFor(() => expect(text('dataset-preview-error')).toBe('/data/flowers does not exist.'))
    expect(handlers['datasets.preview']).toHaveBeenLastCalledWith({
      dataset: { folder: '/data/flowers' },
      perClass: 4,
    })
  })
})
