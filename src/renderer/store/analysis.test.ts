import { describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import { analyse } from './analysis'
import { moveNodes, setParam } from './edits'

describe('analyse', () => {
  it('keeps the same analysis when nodes only move, and recomputes on a parameter change', () => {
    const doc = chain([
      ['in', 'Input', { height: 8, width: 8, channels: 1 }],
      ['c', 'Conv2D', { filters: 4 }],
    ])
    const a = analyse(doc)
    const moved = moveNodes(doc, new Map([['c', { x: 10, y: 20 }]]))
    expect(analyse(moved)).toBe(a)
    const edited = setParam(moved, 'c', 'filters', 8)
    const b = analyse(edited)
    expect(b).not.toBe(a)
    expect(b.nodes.c.outputShape).toEqual([null, 6, 6, 8])
  })
})
