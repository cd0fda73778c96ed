/**
 * The confusion matrix's arithmetic (rows = true class, columns = predicted class): row
 * normalising, and the one colour scale every cell uses.
 */

/** Each count divided by its row's sum: the share of a true class predicted as each class. An empty row stays zeros. */
export function rowNormalise(confusion: number[][]): number[][] {
  return confusion.map((row) => {
    const sum = row.reduce((a, b) => a + b, 0)
    return row.map((v) => (sum > 0 ? v / sum : 0))
  })
}

/** The largest cell, the top of the counts' scale (at least 1, so an empty matrix divides safely). */
export const matrixMax = (m: number[][]): number => Math.max(1, ...m.flat())

/**
 * A cell's colour strength, 0…1, on one scale for the whole matrix: the square root of value / max,
 * so that the few errors beside a large diagonal still show (a linear scale leaves them white).
 */
export function intensity(value: number, max: number): number {
  if (!(value > 0) || !(max > 0)) return 0
  return Math.sqrt(Math.min(1, value / max))
}

/** Above this strength a cell's text takes the contrasting colour (evaluation.css `.strong`). */
export const STRONG = 0.6

/** A row-normalised cell as the matrix prints it: `0`, `<1%`, `93%`. */
export function formatShare(v: number): string {
  if (v <= 0) return '0'
  if (v < 0.005) return '<1%'
  return `${Math.round(v * 100)}%`
}

/** A share precisely, for screen readers and tooltips: `92.9%`. */
export const formatSharePrecise = (v: number): string => `${(v * 100).toFixed(1)}%`
