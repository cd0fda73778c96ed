import type { Edge, Node } from '@xyflow/react'
import { describe, expect, it } from 'vitest'
import { keepIdentity, StableElements } from './stable-elements'

const card = (id: string, x: number, selected = false): Node => ({
  id,
  type: 'layer',
  position: { x, y: 0 },
  data: {},
  width: 220,
  height: 78,
  selected,
})
const edge = (source: string, target: string, label: string): Edge => ({
  id: `${source}->${target}:0`,
  source,
  target,
  label,
})

describe('keepIdentity', () => {
  it('gives back the previous array when every element is equal by value', () => {
    const prev = [card('a', 0), card('b', 100)]
    expect(keepIdentity(prev, [card('a', 0), card('b', 100)])).toBe(prev)
  })

  it('replaces only the element that changed (a move, a selection, a label) and keeps the others', () => {
    const prev = [card('a', 0), card('b', 100), card('c', 200)]
    const moved = keepIdentity(prev, [card('a', 0), card('b', 130), card('c', 200, true)])
    expect(moved).not.toBe(prev)
    expect(moved[0]).toBe(prev[0])
    expect(moved[1]).not.toBe(prev[1])
    expect(moved[1].position).toEqual({ x: 130, y: 0 })
    expect(moved[2].selected).toBe(true)

    const edges = [edge('a', 'b', '8×8×4'), edge('b', 'c', '8×8×4')]
    const relabelled = keepIdentity(edges, [edge('a', 'b', '8×8×6'), edge('b', 'c', '8×8×4')])
    expect(relabelled[0].label).toBe('8×8×6')
    expect(relabelled[1]).toBe(edges[1])
  })

  it('gives a new array when elements are added, removed or reordered', () => {
    const prev = [card('a', 0), card('b', 100)]
    expect(keepIdentity(prev, [card('a', 0)])).toEqual([prev[0]])
    const reordered = keepIdentity(prev, [card('b', 100), card('a', 0)])
    expect(reordered).not.toBe(prev)
    expect(reordered).toEqual([prev[1], prev[0]])
    expect(reordered[0]).toBe(prev[1])
  })
})

describe('StableElements', () => {
  it('gives a changed node the size React Flow measured, so it is not mounted again to measure', () => {
    const stable = new StableElements()
    const first = stable.keepNodes([card('a', 0), card('b', 100)])
    stable.measured('b', { width: 220, height: 80 })
    // A measurement alone changes nothing React Flow needs: the same objects stay.
    expect(stable.keepNodes([card('a', 0), card('b', 100)])).toBe(first)
    const moved = stable.keepNodes([card('a', 0), card('b', 150)])
    expect(moved[0]).toBe(first[0])
    expect(moved[1].measured).toEqual({ width: 220, height: 80 })
    // A node never measured (not yet on screen) gets no guessed size.
    expect(stable.keepNodes([card('a', 10), card('b', 150)])[0].measured).toBeUndefined()
  })

  it('keeps the inner edges of expanded blocks apart from the outer edges', () => {
    const stable = new StableElements()
    const inner = stable.keepInnerEdges([edge('blk/a', 'blk/b', '')])
    const outer = stable.keepEdges([edge('x', 'y', '4'), ...inner])
    expect(stable.keepInnerEdges([edge('blk/a', 'blk/b', '')])).toBe(inner)
    expect(stable.keepEdges([edge('x', 'y', '4'), ...inner])).toBe(outer)
  })
})
