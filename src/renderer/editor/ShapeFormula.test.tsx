import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { getTemplate } from '../../shared/templates'
import { createInPageApi } from '../api/local'
import { useDocument } from '../store/document-store'
import { useUi } from '../store/ui-store'
import { Workspace } from '../Workspace'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}

beforeAll(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true
  // React Flow measures its pane; jsdom has no ResizeObserver.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
})

let root: Root | undefined
let container: HTMLElement

afterEach(() => {
  act(() => root?.unmount())
  container?.remove()
  root = undefined
})

const byTestId = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`)
/** The tooltip is portalled onto the body, outside the container. */
const tooltip = () => document.querySelector<HTMLElement>('[data-testid="shape-formula"]')
const anchorIn = (el: HTMLElement) => el.querySelector<HTMLElement>('.shape-formula-anchor')!

async function openLeNet() {
  useDocument.getState().load(getTemplate('lenet5')!.document)
  container = document.createElement('div')
  document.body.append(container)
  root = createRoot(container)
  await act(async () => root!.render(<Workspace api={createInPageApi()} project={null} />))
}

describe('ShapeFormula', () => {
  it("shows a conv node's formula with its numbers while the pointer is over its output shape", async () => {
    await openLeNet()
    const shape = anchorIn(byTestId('shape-c1')!)
    expect(shape.textContent).toBe('28×28×6')
    expect(tooltip()).toBeNull()

    await act(async () => shape.dispatchEvent(new MouseEvent('mouseover', { bubbles: true })))
    const tip = tooltip()!
    expect(tip.getAttribute('role')).toBe('tooltip')
    expect(shape.getAttribute('aria-describedby')).toBe(tip.id)
    expect([...tip.querySelectorAll('.shape-formula-line')].map((l) => l.textContent)).toEqual([
      'height: out = ⌊(32 + 0 + 0 − 1·(5−1) − 1) / 1⌋ + 1 = 28',
      'width: out = ⌊(32 + 0 + 0 − 1·(5−1) − 1) / 1⌋ + 1 = 28',
    ])
    expect(tip.querySelector('.shape-formula-rule')!.textContent).toBe(
      'out = ⌊(in + pad_before + pad_after − dilation·(kernel−1) − 1) / stride⌋ + 1',
    )
    // The shape's own text is unchanged: the tooltip lives on the body.
    expect(byTestId('shape-c1')!.textContent).toBe('28×28×6')

    await act(async () => shape.dispatchEvent(new MouseEvent('mouseout', { bubbles: true })))
    expect(tooltip()).toBeNull()
  })

  it("shows the selected node's formula in the inspector on keyboard focus, and follows its edits", async () => {
    await openLeNet()
    await act(async () => useUi.getState().select(['s2']))
    const shape = anchorIn(byTestId('inspector-output')!)
    expect(shape.tabIndex).toBe(0)

    await act(async () => shape.focus())
    expect(tooltip()!.textContent).toContain('height: out = ⌊(28 + 0 + 0 − 1·(2−1) − 1) / 2⌋ + 1 = 14')

    // An edit while it is open: 'same' padding gives TensorFlow's rule and the pads.
    await act(async () =>
      useDocument.getState().change((d) => ({
        ...d,
        nodes: d.nodes.map((n) => (n.id === 's2' ? { ...n, params: { ...n.params, padding: 'same' } } : n)),
      })),
    )
    const lines = [...tooltip()!.querySelectorAll('.shape-formula-line')].map((l) => l.textContent)
    expect(lines[0]).toBe('height: out = ⌈28 / 2⌉ = 14')
    expect(lines[1]).toBe('        pad_total = max((14−1)·2 + 1·(2−1) + 1 − 28, 0) = 0: 0 top, 0 bottom')

    await act(async () => shape.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })))
    expect(tooltip()).toBeNull()
  })

  it('leaves a shape without a formula as plain text (Dense)', async () => {
    await openLeNet()
    expect(byTestId('shape-f6')!.textContent).toBe('84')
    expect(byTestId('shape-f6')!.querySelector('.shape-formula-anchor')).toBeNull()
    expect(anchorIn(byTestId('shape-flatten')!)).not.toBeNull()
  })
})
