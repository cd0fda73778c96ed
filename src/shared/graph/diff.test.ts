import { describe, expect, it } from 'vitest'
import { diffGraphs, isEmptyDiff, sameValue } from './diff'
import { chain, testDoc } from './test-kit'

const base = chain([
  ['in', 'Input', { height: 28, width: 28, channels: 1 }],
  ['conv', 'Conv2D', { filters: 8 }],
  ['flat', 'Flatten'],
  ['fc', 'Dense', { units: 10 }],
  ['out', 'Output', { classes: 10 }],
])

describe('diffGraphs', () => {
  it('finds nothing between a graph and itself, or between {} and the explicit defaults', () => {
    expect(isEmptyDiff(diffGraphs(base, base))).toBe(true)
    const explicit = chain([
      ['in', 'Input', { height: 28, width: 28, channels: 1 }],
      // Conv2D's defaults written out: kernel 3 (read as 3×3), stride 1, padding 'valid', a bias.
      ['conv', 'Conv2D', { filters: 8, kernelSize: [3, 3], strides: 1, useBias: true }],
      ['flat', 'Flatten', {}],
      ['fc', 'Dense', { units: 10 }],
      ['out', 'Output', { classes: 10 }],
    ])
    expect(diffGraphs(base, explicit)).toEqual({
      added: [],
      removed: [],
      changed: [],
      edgesAdded: [],
      edgesRemoved: [],
    })
  })

  it('ignores positions and display names', () => {
    const moved = {
      ...base,
      nodes: base.nodes.map((n) => ({ ...n, name: `the ${n.id}`, position: { x: 5, y: 7 } })),
    }
    expect(isEmptyDiff(diffGraphs(base, moved))).toBe(true)
  })

  it('lists each changed parameter with its value before and after', () => {
    const wider = chain([
      ['in', 'Input', { height: 28, width: 28, channels: 1 }],
      ['conv', 'Conv2D', { filters: 16, kernelSize: 5 }],
      ['flat', 'Flatten'],
      ['fc', 'Dense', { units: 10 }],
      ['out', 'Output', { classes: 10 }],
    ])
    const d = diffGraphs(base, wider)
    expect(d.changed).toHaveLength(1)
    expect(d.changed[0].id).toBe('conv')
    expect(d.changed[0].kind).toBeUndefined()
    expect(d.changed[0].params).toEqual([
      { param: 'filters', before: 8, after: 16 },
      { param: 'kernelSize', before: [3, 3], after: [5, 5] },
    ])
    expect([d.added, d.removed, d.edgesAdded, d.edgesRemoved]).toEqual([[], [], [], []])
  })

  it('finds nodes and edges added and removed, matched by id and by port', () => {
    // A Dropout between Flatten and Dense; the Conv2D replaced by a MaxPool2D of another id.
    const after = chain([
      ['in', 'Input', { height: 28, width: 28, channels: 1 }],
      ['pool', 'MaxPool2D'],
      ['flat', 'Flatten'],
      ['drop', 'Dropout', { rate: 0.2 }],
      ['fc', 'Dense', { units: 10 }],
      ['out', 'Output', { classes: 10 }],
    ])
    const d = diffGraphs(base, after)
    expect(d.added.map((n) => n.id)).toEqual(['pool', 'drop'])
    expect(d.removed.map((n) => n.id)).toEqual(['conv'])
    expect(d.changed).toEqual([])
    const pairs = (es: { source: string; target: string }[]) => es.map((e) => `${e.source}→${e.target}`)
    expect(pairs(d.edgesAdded)).toEqual(['in→pool', 'pool→flat', 'flat→drop', 'drop→fc'])
    expect(pairs(d.edgesRemoved)).toEqual(['in→conv', 'conv→flat', 'flat→fc'])

    // The same two nodes wired to another input port of an Add is another edge.
    const a = testDoc(
      [
        ['x', 'Input'],
        ['y', 'Input'],
        ['add', 'Add'],
      ],
      [
        ['x', 'add', 0],
        ['y', 'add', 1],
      ],
    )
    const swapped = testDoc(
      a.nodes.map((n) => [n.id, n.kind]),
      [
        ['x', 'add', 1],
        ['y', 'add', 0],
      ],
    )
    const s = diffGraphs(a, swapped)
    expect(s.edgesAdded.map((e) => e.targetPort)).toEqual([1, 0])
    expect(s.edgesRemoved.map((e) => e.targetPort)).toEqual([0, 1])
  })

  it('reports a changed kind, with the parameters each kind reads', () => {
    const before = testDoc([['p', 'MaxPool2D', { poolSize: 2 }]])
    const after = testDoc([['p', 'AvgPool2D', { poolSize: 3 }]])
    const [c] = diffGraphs(before, after).changed
    expect(c.kind).toEqual({ before: 'MaxPool2D', after: 'AvgPool2D' })
    expect(c.params).toEqual([{ param: 'poolSize', before: [2, 2], after: [3, 3] }])
  })

  it('compares parameters that do not parse (or of an unknown kind) as written', () => {
    const before = testDoc([
      ['d', 'Dense', { units: -1 }],
      ['z', 'Zebra', { stripes: 3 }],
    ])
    const after = testDoc([
      ['d', 'Dense', { units: -2 }],
      ['z', 'Zebra', { stripes: 3, mane: true }],
    ])
    expect(diffGraphs(before, after).changed.map((c) => [c.id, c.params])).toEqual([
      ['d', [{ param: 'units', before: -1, after: -2 }]],
      ['z', [{ param: 'mane', after: true }]],
    ])
  })
})

describe('sameValue', () => {
  it('compares numbers, lists and objects by value', () => {
    expect(sameValue([3, 3], [3, 3])).toBe(true)
    expect(sameValue([3, 3], [3, 5])).toBe(false)
    expect(sameValue({ top: 1, left: 2 }, { left: 2, top: 1 })).toBe(true)
    expect(sameValue({ top: 1 }, { top: 1, left: 0 })).toBe(false)
    expect(sameValue(NaN, NaN)).toBe(true)
    expect(sameValue([1], { 0: 1 })).toBe(false)
    expect(sameValue(1, '1')).toBe(false)
  })
})
