import type { ClassMetrics } from '../../../shared/api/insight'

/** The per-class table's columns; `index` is the dataset's class order. */
export type ClassColumn = 'index' | 'class' | 'precision' | 'recall' | 'f1' | 'support'
export interface ClassSort {
  column: ClassColumn
  descending: boolean
}

/** Rows with their class index, sorted by a column (ties keep the class order). */
export function sortClasses(
  rows: ClassMetrics[],
  sort: ClassSort,
): { index: number; metrics: ClassMetrics }[] {
  const sign = sort.descending ? -1 : 1
  const key = (r: { index: number; metrics: ClassMetrics }) =>
    sort.column === 'index' ? r.index : sort.column === 'class' ? r.metrics.class : r.metrics[sort.column]
  return rows
    .map((metrics, index) => ({ index, metrics }))
    .sort((a, b) => {
      const x = key(a)
      const y = key(b)
      const c = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number)
      return c !== 0 ? sign * c : a.index - b.index
    })
}

/** Clicking a column: the same one flips its order; a new one starts with the most useful end (worst scores first, names A→Z). */
export const nextSort = (current: ClassSort, column: ClassColumn): ClassSort =>
  current.column === column
    ? { column, descending: !current.descending }
    : { column, descending: column === 'support' }
