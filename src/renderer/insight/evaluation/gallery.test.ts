import { describe, expect, it } from 'vitest'
import type { Misclassified } from '../../../shared/api/insight'
import { filterMisclassified, NO_FILTER, pageOf } from './gallery'

const m = (index: number, label: number, predicted: number, confidence: number): Misclassified => ({
  index,
  label,
  predicted,
  confidence,
  top: [{ class: predicted, probability: confidence }],
})
const ALL = [m(4, 6, 0, 0.97), m(9, 2, 4, 0.9), m(1, 6, 2, 0.8), m(7, 6, 0, 0.6)]

describe('filterMisclassified', () => {
  it('keeps everything without a filter', () => {
    expect(filterMisclassified(ALL, NO_FILTER)).toEqual(ALL)
  })

  it('filters by true class, predicted class, or the pair, keeping the order', () => {
    expect(filterMisclassified(ALL, { label: 6, predicted: null }).map((x) => x.index)).toEqual([4, 1, 7])
    expect(filterMisclassified(ALL, { label: null, predicted: 0 }).map((x) => x.index)).toEqual([4, 7])
    expect(filterMisclassified(ALL, { label: 6, predicted: 2 }).map((x) => x.index)).toEqual([1])
    expect(filterMisclassified(ALL, { label: 3, predicted: 3 })).toEqual([])
  })
})

describe('pageOf', () => {
  const items = Array.from({ length: 50 }, (_, i) => i)

  it('cuts pages of the given size, the last one short', () => {
    expect(pageOf(items, 0, 48)).toEqual({ items: items.slice(0, 48), page: 0, pages: 2 })
    expect(pageOf(items, 1, 48)).toEqual({ items: [48, 49], page: 1, pages: 2 })
  })

  it('clamps a page past the end (after a filter shrank the list) and before the start', () => {
    expect(pageOf(items, 7, 48).page).toBe(1)
    expect(pageOf(items, -2, 48).page).toBe(0)
    expect(pageOf([], 3, 48)).toEqual({ items: [], page: 0, pages: 1 })
  })
})
