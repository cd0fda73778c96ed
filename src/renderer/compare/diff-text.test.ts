import { describe, expect, it } from 'vitest'
import { diffGraphs } from '../../shared/graph/diff'
import { chain, testDoc } from '../../shared/graph/test-kit'
import { changeTexts, diffSummary, edgeText, formatValue } from './diff-text'
import { logTicks } from './ScatterChart'

describe('the graph diff in words', () => {
  it('formats values as the inspector shows them', () => {
    expect(formatValue([5, 5])).toBe('5×5')
    expect(formatValue('same')).toBe('same')
    expect(formatValue(undefined)).toBe('–')
    expect(formatValue({ top: 1 })).toBe('{"top":1}')
    expect(formatValue(true)).toBe('true')
  })

  it('says what changed in a node, its kind first, with palette labels', () => {
    const [c] = diffGraphs(
      testDoc([['p', 'MaxPool2D']]),
      testDoc([['p', 'AvgPool2D', { poolSize: 3 }]]),
    ).changed
    expect(changeTexts(c)).toEqual(['kind MaxPool2D → AvgPool2D', 'poolSize 2×2 → 3×3'])
    expect(edgeText({ source: 'a', target: 'add', targetPort: 1 })).toBe('a → add (input 2)')
  })

  it('sums the diff up in one line, naming what the first count counts', () => {
    const a = chain([
      ['in', 'Input'],
      ['fc', 'Dense', { units: 4 }],
      ['out', 'Output'],
    ])
    const b = chain([
      ['in', 'Input'],
      ['d1', 'Dropout'],
      ['d2', 'Dropout'],
      ['out', 'Output'],
    ])
    expect(diffSummary(diffGraphs(a, b))).toBe('2 layers added, 1 removed · 3 connections added, 2 removed')
    const c = chain([
      ['in', 'Input'],
      ['fc', 'Dense', { units: 8 }],
      ['out', 'Output'],
    ])
    expect(diffSummary(diffGraphs(a, c))).toBe('1 layer changed')
  })
})

describe('logTicks', () => {
  it('takes powers of ten, then 1-2-5 steps where fewer fit, then whole multiples, then the ends', () => {
    expect(logTicks(50, 200_000)).toEqual([100, 1000, 10_000, 100_000])
    expect(logTicks(30_000, 300_000)).toEqual([50_000, 100_000, 200_000])
    expect(logTicks(54_000, 80_000)).toEqual([60_000, 70_000, 80_000])
    expect(logTicks(386_000, 420_000)).toEqual([400_000])
    expect(logTicks(54_100, 54_200)).toEqual([54_100, 54_200])
  })
})
