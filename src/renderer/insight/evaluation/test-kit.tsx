/**
 * The evaluation dialog's tests: spied `runs.evaluate` and `runs.samples` answering the fixture
 * (fixture.ts), rendering, and DOM helpers. The dialog renders into document.body (a portal).
 */
import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll, beforeEach, vi } from 'vitest'
import type { Handlers } from '../../../shared/api/contract'
import type { EvalSplit, Evaluation } from '../../../shared/api/insight'
import { createTestApi } from '../../api/test-kit'
import { useInsight } from '../insight-store'
import { EvaluationDialog } from './EvaluationDialog'
import { evaluationOf, sampleImageOf } from './fixture'

export { click, setValue, waitFor } from '../../training/test-kit'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}

let root: Root | undefined
let container: HTMLElement
/** How many images the canvas stand-in drew. */
export const drawn = { count: 0 }

export function setUpEvaluationTests() {
  beforeAll(() => {
    globalThis.IS_REACT_ACT_ENVIRONMENT = true
  })
  beforeEach(() => {
    drawn.count = 0
    // jsdom has no 2D canvas: a stand-in counts the sample images drawn.
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation((() => ({
      createImageData: (w: number, h: number) => ({
        width: w,
        height: h,
        data: new Uint8ClampedArray(w * h * 4),
      }),
      putImageData: () => drawn.count++,
    })) as never)
  })
  afterEach(() => {
    act(() => root?.unmount())
    container?.remove()
    root = undefined
    useInsight.getState().close()
    vi.restoreAllMocks()
  })
}

/** The services the dialog uses, each a spy answering the fixture. */
export function services<O extends Partial<Handlers>>(over: O = {} as O) {
  const base = {
    'runs.evaluate': vi.fn(
      ({ split }: { split: EvalSplit; recompute: boolean }): Evaluation | Promise<Evaluation> =>
        evaluationOf(split),
    ),
    'runs.samples': vi.fn(({ indices }: { indices: number[] }) => indices.map(sampleImageOf)),
  }
  const handlers = { ...base, ...over }
  return { handlers, ...createTestApi(handlers as unknown as Partial<Handlers>) }
}

export async function render(api: ReturnType<typeof services>['api'], onClose = vi.fn()) {
  container = document.createElement('div')
  document.body.append(container)
  root = createRoot(container)
  await act(async () => root!.render(<EvaluationDialog api={api} runId="run-1" onClose={onClose} />))
  return { onClose }
}

export const byId = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.body.querySelector<T>(`[data-testid="${id}"]`)
export const allById = <T extends HTMLElement = HTMLElement>(id: string) => [
  ...document.body.querySelectorAll<T>(`[data-testid="${id}"]`),
]
export const text = (id: string) => byId(id)?.textContent ?? null
/** The matrix cell of a true and a predicted class (indices). */
export const cell = (label: number, predicted: number) =>
  byId('eval-matrix')!.querySelectorAll('tbody tr')[label].querySelectorAll<HTMLElement>('td')[predicted]
/** What a screen reader calls a cell: its button's name, or the cell's own. */
export const cellName = (el: HTMLElement) => (el.querySelector('button') ?? el).getAttribute('aria-label')
/** The gallery's cards as [true, predicted] class names. */
export const cards = () =>
  allById('eval-sample').map((c) => [
    c.querySelector('[data-testid="eval-sample-true"]')!.textContent,
    c.querySelector('[data-testid="eval-sample-predicted"]')!.textContent,
  ])
export async function key(el: HTMLElement, k: string, shiftKey = false) {
  await act(async () => {
    el.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, cancelable: true }))
  })
}
