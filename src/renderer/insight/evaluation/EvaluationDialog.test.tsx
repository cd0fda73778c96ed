import { act } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../shared/api/contract'
import type { Evaluation } from '../../../shared/api/insight'
import { useInsight } from '../insight-store'
import { evaluationOf, FASHION, sampleImageOf } from './fixture'
import {
  allById,
  byId,
  cards,
  cell,
  cellName,
  click,
  drawn,
  key,
  render,
  services,
  setUpEvaluationTests,
  setValue,
  text,
  waitFor,
} from './test-kit'

setUpEvaluationTests()

const SHIRT = FASHION.indexOf('Shirt')
const TSHIRT = FASHION.indexOf('T-shirt/top')
const PULLOVER = FASHION.indexOf('Pullover')
const COAT = FASHION.indexOf('Coat')
const loaded = () => waitFor(() => expect(byId('eval-matrix')).not.toBeNull())

describe('EvaluationDialog', () => {
  it('asks for the stored test evaluation and shows its numbers and where they come from', async () => {
    const { api, handlers } = services()
    await render(api)
    await loaded()
    expect(handlers['runs.evaluate']).toHaveBeenCalledExactlyOnceWith({
      runId: 'run-1',
      split: 'test',
      recompute: false,
    })
    expect(text('eval-accuracy')).toBe('97.00%')
    expect(text('eval-loss')).toBe('0.0912')
    expect(text('eval-top5')).toBe('99.90%')
    const facts = text('eval-facts')!
    expect(facts).toContain('Test split')
    expect(facts).toContain('1,000 samples')
    expect(facts).toContain('epoch 12')
    expect(facts).toContain('onnxruntime')
    expect(facts).toContain('2.4 s')
    expect(byId('eval-engine-note')).toBeNull()

    // The matrix: 10×10, rows true, columns predicted; the class names on both axes.
    expect(allById('eval-cell')).toHaveLength(100)
    const heads = [...byId('eval-matrix')!.querySelectorAll('thead th')].slice(1).map((t) => t.textContent)
    expect(heads).toEqual(FASHION)
    expect(cellName(cell(SHIRT, TSHIRT))).toBe('True Shirt, predicted T-shirt/top: 8')
    expect(cellName(cell(SHIRT, SHIRT))).toBe('True Shirt, predicted Shirt: 89')
    expect(cell(SHIRT, TSHIRT).textContent).toBe('8')
    expect(cell(SHIRT, SHIRT).textContent).toBe('89')
    expect(cell(SHIRT, SHIRT).className).toContain('diagonal')
    expect(cell(SHIRT, TSHIRT).className).not.toContain('diagonal')
    // One scale: the diagonal's 88 is stronger than the 8, an empty cell has no colour.
    const t = (el: HTMLElement) => Number(el.style.getPropertyValue('--t'))
    expect(t(cell(SHIRT, SHIRT))).toBeGreaterThan(t(cell(SHIRT, TSHIRT)))
    expect(t(cell(SHIRT, TSHIRT))).toBeGreaterThan(0)
    expect(t(cell(SHIRT, COAT))).toBe(0)
    // Long class names: the column headers turn.
    expect(byId('eval-matrix')!.className).toContain('rotated')

    // Per class: Shirt's recall 89/100 (8 taken for T-shirts, 3 for pullovers), precision 89/(89 + 3 T-shirts + 1 bag).
    const shirt = allById('eval-class-row')[SHIRT]
    expect([...shirt.children].map((c) => c.textContent)).toEqual(['Shirt', '0.957', '0.890', '0.922', '100'])
    // The most confused pair first.
    expect(allById('eval-pair')[0].textContent).toBe('Shirt → T-shirt/top8')
    // The gallery: every mistake (30, one page), most confident first, with its top 3.
    expect(allById('eval-sample')).toHaveLength(30)
    const confidences = evaluationOf('test').misclassified.map((m) => m.index)
    expect(allById('eval-sample').map((c) => Number(c.dataset.index))).toEqual(confidences)
    expect(allById('eval-sample')[0].querySelectorAll('.eval-top li')).toHaveLength(3)
  })

  it('shows no top-5 with five classes or fewer, and says why TF.js ran', async () => {
    const { api } = services({
      'runs.evaluate': vi.fn(() =>
        evaluationOf('test', {
          top5: null,
          engine: 'tfjs',
          engineNote: 'onnxruntime cannot run Upsample here.',
        }),
      ),
    })
    await render(api)
    await loaded()
    expect(byId('eval-top5')).toBeNull()
    expect(text('eval-facts')).toContain('TF.js')
    expect(text('eval-engine-note')).toBe('onnxruntime cannot run Upsample here.')
  })

  it('shows rows as shares of their class when row-normalised', async () => {
    const { api } = services()
    await render(api)
    await loaded()
    const toggle = byId<HTMLInputElement>('eval-normalise')!
    await click(toggle)
    expect(toggle.checked).toBe(true)
    expect(cell(SHIRT, TSHIRT).textContent).toBe('8%')
    expect(cell(SHIRT, SHIRT).textContent).toBe('89%')
    expect(cellName(cell(PULLOVER, COAT))).toBe('True Pullover, predicted Coat: 5.0% (5)')
    expect(cell(SHIRT, COAT).textContent).toBe('0')
    // On the shares' scale a full row is 1: the 89% diagonal cell is √0.89.
    expect(Number(cell(SHIRT, SHIRT).style.getPropertyValue('--t'))).toBeCloseTo(Math.sqrt(0.89), 3)
    await click(toggle)
    expect(cell(SHIRT, TSHIRT).textContent).toBe('8')
  })

  it("shows a cell's samples when it is clicked, and a confused pair's", async () => {
    const { api } = services()
    await render(api)
    await loaded()
    await click(cell(SHIRT, TSHIRT).querySelector('button'))
    expect(cards()).toHaveLength(8)
    expect(new Set(cards().map((c) => c.join(' → ')))).toEqual(new Set(['Shirt → T-shirt/top']))
    expect(byId<HTMLSelectElement>('eval-filter-true')!.value).toBe(String(SHIRT))
    expect(byId<HTMLSelectElement>('eval-filter-predicted')!.value).toBe(String(TSHIRT))
    expect(cell(SHIRT, TSHIRT).querySelector('button')!.getAttribute('aria-pressed')).toBe('true')
    expect(text('eval-gallery-count')).toContain('1–8 of 8 (filtered from 30)')
    // The diagonal is not a mistake: it has no button.
    expect(cell(SHIRT, SHIRT).querySelector('button')).toBeNull()

    await click(allById('eval-pair')[1]) // Pullover → Coat, 5
    expect(cards()).toEqual(new Array(5).fill(['Pullover', 'Coat']))

    // The selects filter too: every shirt mistake, whatever it was taken for.
    await setValue(byId<HTMLSelectElement>('eval-filter-true')!, String(SHIRT))
    await setValue(byId<HTMLSelectElement>('eval-filter-predicted')!, '')
    expect(cards()).toHaveLength(11)
    expect(cards().every(([t]) => t === 'Shirt')).toBe(true)
    await click(byId('eval-filter-clear'))
    expect(cards()).toHaveLength(30)
  })

  it('fetches the images of the visible page only', async () => {
    const { api, handlers } = services()
    await render(api)
    await loaded()
    await waitFor(() => expect(drawn.count).toBe(30))
    expect(handlers['runs.samples']).toHaveBeenCalledTimes(1)
    expect(handlers['runs.samples'].mock.calls[0][0]).toEqual({
      runId: 'run-1',
      split: 'test',
      indices: evaluationOf('test').misclassified.map((m) => m.index),
    })

    // Validation: 70 mistakes, two pages of 48 and 22.
    await click(byId('eval-split-validation'))
    await waitFor(() => expect(text('eval-page')).toBe('Page 1 of 2'))
    const all = evaluationOf('validation').misclassified.map((m) => m.index)
    await waitFor(() => expect(handlers['runs.samples']).toHaveBeenCalledTimes(2))
    expect(handlers['runs.samples'].mock.calls[1][0]).toEqual({
      runId: 'run-1',
      split: 'validation',
      indices: all.slice(0, 48),
    })
    expect(allById('eval-sample')).toHaveLength(48)
    await click(byId('eval-page-next'))
    await waitFor(() => expect(handlers['runs.samples']).toHaveBeenCalledTimes(3))
    expect(handlers['runs.samples'].mock.calls[2][0].indices).toEqual(all.slice(48))
    expect(allById('eval-sample')).toHaveLength(22)
    expect(text('eval-gallery-count')).toContain('49–70 of 70')
    // Back to page 1: its images are kept, nothing is fetched again.
    await click(byId('eval-page-prev'))
    await waitFor(() => expect(allById('eval-thumb-wait')).toHaveLength(0))
    expect(handlers['runs.samples']).toHaveBeenCalledTimes(3)
  })

  it('says when the images cannot be loaded, and tries again', async () => {
    const samples = vi.fn<(r: { indices: number[] }) => unknown>(() => {
      throw new ApiError('unavailable', 'The dataset is not on this machine.')
    })
    const { api } = services({ 'runs.samples': samples as never })
    await render(api)
    await loaded()
    await waitFor(() => expect(text('eval-images-error')).toContain('The dataset is not on this machine.'))
    expect(byId('eval-images-error')!.getAttribute('role')).toBe('alert')
    expect(allById('eval-thumb-wait')).toHaveLength(30)
    samples.mockImplementation(({ indices }) => indices.map(sampleImageOf))
    await click(byId('eval-images-error')!.querySelector('button'))
    await waitFor(() => expect(byId('eval-images-error')).toBeNull())
    expect(samples).toHaveBeenCalledTimes(2)
  })

  it('recomputes on request, showing the stored numbers meanwhile', async () => {
    const { api, handlers } = services()
    await render(api)
    await loaded()
    let finish!: () => void
    const recomputed = evaluationOf('test', { accuracy: 0.975, createdAt: '2026-03-05T10:00:00.000Z' })
    handlers['runs.evaluate'].mockImplementationOnce(
      () => new Promise<Evaluation>((r) => (finish = () => r(recomputed))),
    )
    await click(byId('eval-recompute'))
    expect(handlers['runs.evaluate']).toHaveBeenLastCalledWith({
      runId: 'run-1',
      split: 'test',
      recompute: true,
    })
    expect(byId('eval-loading')!.getAttribute('role')).toBe('status')
    expect(byId<HTMLButtonElement>('eval-recompute')!.disabled).toBe(true)
    expect(text('eval-accuracy')).toBe('97.00%')
    await act(async () => finish())
    await waitFor(() => expect(text('eval-accuracy')).toBe('97.50%'))
    expect(byId('eval-loading')).toBeNull()
  })

  it('switches between the test and validation splits, asking for each once', async () => {
    const { api, handlers } = services()
    await render(api)
    await loaded()
    await click(byId('eval-split-validation'))
    await waitFor(() => expect(text('eval-accuracy')).toBe('93.00%'))
    expect(handlers['runs.evaluate']).toHaveBeenLastCalledWith({
      runId: 'run-1',
      split: 'validation',
      recompute: false,
    })
    expect(byId('eval-split-validation')!.getAttribute('aria-pressed')).toBe('true')
    expect(text('eval-facts')).toContain('Validation split')
    expect(cell(SHIRT, TSHIRT).textContent).toBe('26')
    await click(byId('eval-split-test'))
    expect(text('eval-accuracy')).toBe('97.00%')
    expect(handlers['runs.evaluate']).toHaveBeenCalledTimes(2)
  })

  it('shows why an evaluation failed, and keeps the last one when a recompute fails', async () => {
    const { api, handlers } = services({
      'runs.evaluate': vi.fn(() => {
        throw new ApiError('unavailable', 'The run has no checkpoint yet: train at least one epoch.')
      }),
    })
    await render(api)
    await waitFor(() => expect(byId('eval-error')).not.toBeNull())
    expect(byId('eval-error')!.getAttribute('role')).toBe('alert')
    expect(text('eval-error')).toBe(
      'Could not evaluate the run on the test split: The run has no checkpoint yet: train at least one epoch.',
    )
    expect(byId('eval-matrix')).toBeNull()

    // Recompute succeeds, then fails: the evaluation shown stays, the error beside it.
    handlers['runs.evaluate'].mockImplementation(() => evaluationOf('test') as never)
    await click(byId('eval-recompute'))
    await loaded()
    expect(byId('eval-error')).toBeNull()
    handlers['runs.evaluate'].mockImplementation(() => {
      throw new Error('worker exited')
    })
    await click(byId('eval-recompute'))
    await waitFor(() => expect(text('eval-error')).toContain('worker exited'))
    expect(text('eval-accuracy')).toBe('97.00%')
  })

  it('looks inside a sample: the insight store gets the run and sample, and the dialog closes', async () => {
    const { api } = services()
    const { onClose } = await render(api)
    await loaded()
    await click(byId('eval-split-validation'))
    await waitFor(() => expect(text('eval-accuracy')).toBe('93.00%'))
    const first = allById('eval-sample')[0]
    expect(byId('eval-look-inside')).toBeNull()
    await click(first.querySelector('button'))
    await click(byId('eval-look-inside'))
    expect(useInsight.getState()).toMatchObject({
      runId: 'run-1',
      sample: { kind: 'dataset', split: 'validation', index: Number(first.dataset.index) },
    })
    expect(onClose).toHaveBeenCalledTimes(1)
  })

  it('closes on Escape and keeps Tab inside the dialog', async () => {
    const { api } = services()
    const { onClose } = await render(api)
    await loaded()
    const dialog = byId('eval-dialog')!
    expect(document.activeElement).toBe(dialog)
    const buttons = [...dialog.querySelectorAll<HTMLButtonElement>('button:not([disabled])')]
    const last = buttons[buttons.length - 1]
    last.focus()
    await key(last, 'Tab')
    expect(document.activeElement).toBe(byId('eval-split-test'))
    await key(document.activeElement as HTMLElement, 'Tab', true)
    expect(document.activeElement).toBe(last)
    await key(last, 'Escape')
    expect(onClose).toHaveBeenCalledTimes(1)
  })
})
