import type { Edge, Node } from '@xyflow/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import { useDocument } from '../store/document-store'
import { useUi } from '../store/ui-store'
import { deleteElements } from './Canvas'

const doc = chain([
  ['in', 'Input'],
  ['c', 'Conv2D'],
  ['f', 'Flatten'],
])

describe('deleting on the canvas', () => {
  beforeEach(() => useDocument.getState().load(doc))

  // React Flow reports a node's delete as its edges' removal, then the node's, then onDelete with both.
  it('deletes a node and its edges as one undo step', () => {
    const node = { id: 'c' } as Node
    const edges = [{ id: 'in->c:0' }, { id: 'c->f:0' }] as Edge[]
    deleteElements({ nodes: [node], edges })
    expect(useDocument.getState().doc.nodes.map((n) => n.id)).toEqual(['in', 'f'])
    expect(useDocument.getState().doc.edges).toEqual([])
    useDocument.getState().undo()
    expect(useDocument.getState().doc).toBe(doc)
    expect(useDocument.getState().history.past).toHaveLength(0)
  })

  it('takes the deleted node out of the selection', () => {
    useUi.getState().select(['c', 'f'])
    deleteElements({ nodes: [{ id: 'c' } as Node], edges: [] })
    expect([...useUi.getState().selection]).toEqual(['f'])
  })
})
