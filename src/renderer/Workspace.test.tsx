import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { chain } from '../shared/graph/test-kit'
import { createInPageApi } from './api/local'
import { useDocument } from './store/document-store'
import { Workspace } from './Workspace'

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

describe('Workspace', () => {
  it('opens the training panel and the export dialog from the editor, and keeps the panel once opened', async () => {
    useDocument.getState().load(
      chain([
        ['in', 'Input', {}],
        ['out', 'Output', {}],
      ]),
    )
    container = document.createElement('div')
    document.body.append(container)
    root = createRoot(container)
    await act(async () => root!.render(<Workspace api={createInPageApi()} project={null} />))
    expect(byTestId('training-panel')).toBeNull()

    await act(async () => byTestId('train-toggle')!.click())
    expect(byTestId('training-panel')!.hidden).toBe(false)
    expect(byTestId('train-unavailable')).not.toBeNull()
    expect(container.querySelector('.editor')!.classList.contains('training-open')).toBe(true)

    await act(async () => byTestId('train-close')!.click())
    expect(byTestId('training-panel')!.hidden).toBe(true)

    await act(async () => byTestId('export-toggle')!.click())
    expect(byTestId('export-dialog')).not.toBeNull()
    expect(byTestId('export-unavailable')).not.toBeNull()
    await act(async () => byTestId('export-close')!.click())
    expect(byTestId('export-dialog')).toBeNull()
  })
})
