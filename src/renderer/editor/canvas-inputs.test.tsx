import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { GraphNode } from '../../shared/graph/document'
import { getTemplate } from '../../shared/templates'
import { analyse } from '../store/analysis'
import { useDocument } from '../store/document-store'
import { moveNodes, setExpanded, setParam } from '../store/edits'
import {
  failingPorts,
  samePlacement,
  useExpandedLayers,
  useFailingPorts,
  usePlacedNodes,
} from './canvas-inputs'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}

beforeAll(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true
})

let root: Root | undefined
afterEach(() => {
  act(() => root?.unmount())
  root = undefined
})

/** Renders what the canvas selects and records every render. */
function probe() {
  const renders: { placed: readonly GraphNode[]; layers: ReadonlyMap<string, unknown>; failing: string }[] =
    []
  function Probe() {
    renders.push({ placed: usePlacedNodes(), layers: useExpandedLayers(), failing: useFailingPorts() })
    return null
  }
  root = createRoot(document.createElement('div'))
  act(() => root!.render(<Probe />))
  return renders
}

const edit = (f: Parameters<ReturnType<typeof useDocument.getState>['change']>[0]) =>
  act(() => useDocument.getState().change(f))

describe('samePlacement', () => {
  const doc = getTemplate('lenet5')!.document
  it('holds across a parameter edit and fails on a move, an expansion or another order', () => {
    expect(samePlacement(doc.nodes, setParam(doc, 'c1', 'filters', 8).nodes)).toBe(true)
    expect(samePlacement(doc.nodes, moveNodes(doc, new Map([['c1', { x: 1, y: 2 }]])).nodes)).toBe(false)
    expect(samePlacement(doc.nodes, setExpanded(doc, 'c1', true).nodes)).toBe(false)
    expect(samePlacement(doc.nodes, [...doc.nodes].reverse())).toBe(false)
    expect(samePlacement(doc.nodes, doc.nodes.slice(1))).toBe(false)
  })
})

describe('failingPorts', () => {
  it('names the input of each node in error, port 0 where the error names none', () => {
    const doc = getTemplate('lenet5')!.document
    expect(failingPorts(analyse(doc))).toBe('')
    expect(failingPorts(analyse(setParam(doc, 'c3', 'kernelSize', 40)))).toBe('c3:0')
  })
})

describe('what the canvas selects', () => {
  it('stays the same through a parameter edit, so the canvas does not re-render', () => {
    useDocument.getState().load(getTemplate('lenet5')!.document)
    const renders = probe()
    expect(renders).toHaveLength(1)
    const shapeBefore = analyse(useDocument.getState().doc).nodes.s2.outputShape
    edit((d) => setParam(d, 'c1', 'filters', 8))
    // The analysis changed (the cards show it), the canvas's inputs did not.
    expect(analyse(useDocument.getState().doc).nodes.s2.outputShape).not.toEqual(shapeBefore)
    expect(renders).toHaveLength(1)

    edit((d) => moveNodes(d, new Map([['c1', { x: 500, y: 40 }]])))
    expect(renders).toHaveLength(2)
    expect(renders[1].placed.find((n) => n.id === 'c1')!.position).toEqual({ x: 500, y: 40 })
    expect(renders[1].failing).toBe('')

    edit((d) => setParam(d, 'c3', 'kernelSize', 40))
    expect(renders).toHaveLength(3)
    expect(renders[2].failing).toBe('c3:0')
    expect(renders[2].placed).toBe(renders[1].placed)
  })

  it("keeps an expanded block's layers while a re-analysis gives equal ones, and follows a change", () => {
    useDocument.getState().load(setExpanded(getTemplate('resnet50')!.document, 'layer1_0', true))
    const renders = probe()
    const layers = renders[0].layers
    expect([...layers.keys()]).toEqual(['layer1_0'])
    // Further down: a new analysis, with new but equal layers for layer1_0.
    edit((d) => setParam(d, 'layer4_2', 'epsilon', 1e-3))
    expect(analyse(useDocument.getState().doc).nodes.layer1_0.expansion).not.toBe(layers.get('layer1_0'))
    expect(renders).toHaveLength(1)
    // The block's own width: other layers.
    edit((d) => setParam(d, 'layer1_0', 'filters', 32))
    expect(renders).toHaveLength(2)
    expect(renders[1].layers).not.toBe(layers)
    expect(renders[1].placed).toBe(renders[0].placed)
  })
})
