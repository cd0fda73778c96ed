import { describe, expect, it } from 'vitest'
import type { ClassMetrics } from '../../../shared/api/insight'
import { nextSort, sortClasses } from './class-sort'

const row = (name: string, f1: number, support: number): ClassMetrics => ({
  class: name,
  precision: f1,
  recall: f1,
  f1,
  support,
})
const ROWS = [row('Shirt', 0.7, 100), row('Bag', 0.99, 90), row('Coat', 0.7, 110)]
const names = (s: Parameters<typeof sortClasses>[1]) => sortClasses(ROWS, s).map((r) => r.metrics.class)

describe('sortClasses', () => {
  it('keeps the class order by index', () => {
    expect(names({ column: 'index', descending: false })).toEqual(['Shirt', 'Bag', 'Coat'])
    expect(sortClasses(ROWS, { column: 'index', descending: false }).map((r) => r.index)).toEqual([0, 1, 2])
  })

  it('sorts by a score either way, ties in class order', () => {
    expect(names({ column: 'f1', descending: false })).toEqual(['Shirt', 'Coat', 'Bag'])
    expect(names({ column: 'f1', descending: true })).toEqual(['Bag', 'Shirt', 'Coat'])
  })

  it('sorts names alphabetically and support by count', () => {
    expect(names({ column: 'class', descending: false })).toEqual(['Bag', 'Coat', 'Shirt'])
    expect(names({ column: 'support', descending: true })).toEqual(['Coat', 'Shirt', 'Bag'])
  })
})

describe('nextSort', () => {
  it('flips the same column and starts a new one ascending (support: largest first)', () => {
    expect(nextSort({ column: 'f1', descending: false }, 'f1')).toEqual({ column: 'f1', descending: true })
    expect(nextSort({ column: 'f1', descending: true }, 'recall')).toEqual({
      column: 'recall',
      descending: false,
    })
    expect(nextSort({ column: 'f1', descending: false }, 'support')).toEqual({
      column: 'support',
      descending: true,
    })
  })
})
