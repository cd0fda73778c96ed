import { beforeEach, describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import { useDocument } from './document-store'
import { addNode, moveNodes, setParam } from './edits'

const s = () => useDocument.getState()

describe('document store history', () => {
  beforeEach(() =>
    s().load(
      chain([
        ['in', 'Input'],
        ['c', 'Conv2D'],
      ]),
    ),
  )

  it('undoes and redoes each change, and loading is not a step', () => {
    expect(s().history.past).toHaveLength(0)
    s().change((d) => setParam(d, 'c', 'filters', 8))
    s().change((d) => addNode(d, 'Dense', { x: 0, y: 0 }).doc)
    expect(s().doc.nodes).toHaveLength(3)
    s().undo()
    expect(s().doc.nodes).toHaveLength(2)
    s().undo()
    expect(s().doc.nodes[1].params).toEqual({})
    s().undo() // nothing before the load
    expect(s().doc.nodes[1].params).toEqual({})
    s().redo()
    s().redo()
    expect(s().doc.nodes).toHaveLength(3)
    expect(s().doc.nodes[1].params).toEqual({ filters: 8 })
  })

  it('counts a drag as one step, recorded when it ends', () => {
    for (let x = 1; x <= 30; x++) s().change((d) => moveNodes(d, new Map([['c', { x, y: 0 }]])), 'later')
    expect(s().history.past).toHaveLength(0)
    s().endGesture()
    expect(s().history.past).toHaveLength(1)
    s().undo()
    expect(s().doc.nodes[1].position).toBeUndefined()
    s().redo()
    expect(s().doc.nodes[1].position).toEqual({ x: 30, y: 0 })
  })

  it('a new change clears the redo steps; a no-op change records nothing', () => {
    s().change((d) => setParam(d, 'c', 'filters', 8))
    s().undo()
    s().change((d) => setParam(d, 'c', 'filters', 9))
    s().redo()
    expect(s().doc.nodes[1].params).toEqual({ filters: 9 })
    const before = s().history
    s().change((d) => d)
    expect(s().history).toBe(before)
  })
})
