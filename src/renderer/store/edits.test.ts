import { describe, expect, it } from 'vitest'
import { inferGraph } from '../../shared/graph/infer'
import { chain, testDoc } from '../../shared/graph/test-kit'
import {
  addNode,
  applyFix,
  connect,
  copy,
  paste,
  removeEdges,
  removeElements,
  removeNodes,
  setParam,
} from './edits'

describe('document edits', () => {
  it('add nodes with fresh ids and leave the old document untouched', () => {
    const before = chain([['in', 'Input']])
    const a = addNode(before, 'Conv2D', { x: 0, y: 100 })
    const b = addNode(a.doc, 'Conv2D', { x: 0, y: 200 })
    expect([a.id, b.id]).toEqual(['conv2d1', 'conv2d2'])
    expect(before.nodes).toHaveLength(1)
    expect(b.doc.nodes.map((n) => n.id)).toEqual(['in', 'conv2d1', 'conv2d2'])
  })

  it('connect replaces what fed the port, and refuse self loops', () => {
    let doc = testDoc([
      ['a', 'Input'],
      ['b', 'Input'],
      ['add', 'Add'],
    ])
    doc = connect(doc, 'a', 'add', 0)
    doc = connect(doc, 'b', 'add', 0)
    expect(doc.edges).toEqual([{ source: 'b', target: 'add', targetPort: 0 }])
    expect(connect(doc, 'add', 'add', 1)).toBe(doc)
  })

  it('remove nodes with their edges', () => {
    const doc = removeNodes(
      chain([
        ['in', 'Input'],
        ['c', 'Conv2D'],
        ['d', 'Conv2D'],
      ]),
      new Set(['c']),
    )
    expect(doc.nodes.map((n) => n.id)).toEqual(['in', 'd'])
    expect(doc.edges).toEqual([])
  })

  it('apply an insert-Flatten fix between the map and the Dense', () => {
    const doc = chain([
      ['in', 'Input', { height: 4, width: 4, channels: 2 }],
      ['fc', 'Dense', { units: 3 }],
    ])
    const error = inferGraph(doc).nodes.fc.error!
    const fixed = applyFix(doc, 'fc', error.fix!)
    expect(fixed.id).toBe('flatten1')
    const a = inferGraph(fixed.doc)
    expect(a.errors).toEqual([])
    expect(a.nodes.fc.outputShape).toEqual([null, 3])
    expect(a.nodes.flatten1.outputShape).toEqual([null, 32])
  })

  it('apply a projection fix on the larger input of an Add', () => {
    const doc = testDoc(
      [
        ['in', 'Input', { height: 8, width: 8, channels: 4 }],
        ['c', 'Conv2D', { filters: 16, strides: 2, padding: 'same' }],
        ['add', 'Add'],
      ],
      [
        ['in', 'c'],
        ['in', 'add', 0],
        ['c', 'add', 1],
      ],
    )
    const fixed = applyFix(doc, 'add', inferGraph(doc).nodes.add.error!.fix!)
    expect(fixed.id).toBe('conv2d1')
    const a = inferGraph(fixed.doc)
    expect(a.errors).toEqual([])
    expect(a.nodes.add.outputShape).toEqual([null, 4, 4, 16])
  })

  it('ignore an insert fix that names no layer kind', () => {
    const doc = chain([
      ['in', 'Input', { height: 4, width: 4, channels: 2 }],
      ['fc', 'Dense', { units: 3 }],
    ])
    const fix = { type: 'insertBefore', label: 'Insert', port: 0, kind: 'NoSuchKind', params: {} } as const
    expect(applyFix(doc, 'fc', fix)).toEqual({ doc })
  })

  it('apply a set-parameter fix', () => {
    const doc = chain([
      ['in', 'Input', { height: 3, width: 3, channels: 1 }],
      ['c', 'Conv2D', { kernelSize: 5 }],
    ])
    const fixed = applyFix(doc, 'c', inferGraph(doc).nodes.c.error!.fix!).doc
    expect(inferGraph(fixed).nodes.c.outputShape).toEqual([null, 3, 3, 32])
  })

  it('copy and paste keep parameters and inner edges under new ids', () => {
    let doc = chain([
      ['in', 'Input'],
      ['c', 'Conv2D', { filters: 7 }],
      ['r', 'Activation'],
    ])
    doc = setParam(doc, 'r', 'fn', 'tanh')
    const clip = copy(doc, new Set(['c', 'r']))
    const pasted = paste(doc, clip, { x: 40, y: 40 })
    expect(pasted.ids).toEqual(['conv2d1', 'activation1'])
    expect(pasted.doc.nodes.find((n) => n.id === 'conv2d1')!.params).toEqual({ filters: 7 })
    expect(pasted.doc.edges).toContainEqual({ source: 'conv2d1', target: 'activation1', targetPort: 0 })
    expect(pasted.doc.edges).not.toContainEqual(expect.objectContaining({ source: 'in', target: 'conv2d1' }))
  })
})

describe('removing elements', () => {
  it('removes nodes, their edges and other edges in one new document', () => {
    const doc = chain([
      ['in', 'Input'],
      ['c', 'Conv2D'],
      ['d', 'Conv2D'],
    ])
    const next = removeElements(doc, new Set(['d']), [{ source: 'in', target: 'c', targetPort: 0 }])
    expect(next.nodes.map((n) => n.id)).toEqual(['in', 'c'])
    expect(next.edges).toEqual([])
    // Removing edges that are gone changes nothing: no empty undo step.
    expect(removeEdges(next, [{ source: 'c', target: 'd', targetPort: 0 }])).toBe(next)
  })
})
