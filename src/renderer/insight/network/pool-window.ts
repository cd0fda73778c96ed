import type { Padding, Pair } from '../../../shared/layers/params'
import { windowOutput } from '../../../shared/layers/spatial'
import { windowCells, type Result, type WindowCell } from './conv-window'
import type { Tensor3 } from './tensor3'

export interface PoolParams {
  poolSize: Pair
  strides: Pair
  padding: Padding
  ceilMode: boolean
}

export interface PoolWindow {
  cells: WindowCell[]
  /** The input under each cell, null on padding (padding is never counted: not in the max, not in the mean's count). */
  values: (number | null)[]
  /** Max pooling: the cell that holds the max (the first, on ties). */
  argmax: number
  /** Cells counted. */
  count: number
  sum: number
  /** The pooled value: the max, or sum / count. */
  value: number
}

/**
 * Pooling at output pixel (y, x) of channel c. Padded cells (TF 'same', explicit padding, ceil
 * mode's last partial window) are left out, as the kinds compute it (AvgPool2D: count_include_pad
 * = false).
 */
export function poolWindow(
  input: Tensor3,
  p: PoolParams,
  reduce: 'max' | 'avg',
  at: { y: number; x: number; c: number },
): Result<PoolWindow> {
  if (at.c < 0 || at.c >= input.c)
    return { ok: false, error: `Channel ${at.c} does not exist: the map has ${input.c} (0…${input.c - 1}).` }
  const win = {
    kernel: p.poolSize,
    strides: p.strides,
    dilation: [1, 1] as const,
    padding: p.padding,
    ceilMode: p.ceilMode,
  }
  const out = windowOutput(win, input.h, input.w)
  if (out.error) return { ok: false, error: out.error.message }
  if (at.y < 0 || at.x < 0 || at.y >= out.h || at.x >= out.w)
    return {
      ok: false,
      error: `Output pixel (${at.y}, ${at.x}) is outside the ${out.h}×${out.w} pooled map.`,
    }
  const { cells } = windowCells(input.h, input.w, win, at.y, at.x)
  const values = cells.map((cell) =>
    cell.padded ? null : input.values[(cell.iy * input.w + cell.ix) * input.c + at.c]!,
  )
  let argmax = -1
  let count = 0
  let sum = 0
  values.forEach((v, i) => {
    if (v === null) return
    count++
    sum += v
    if (argmax < 0 || v > values[argmax]!) argmax = i
  })
  const value = reduce === 'max' ? values[argmax]! : sum / count
  return { ok: true, value: { cells, values, argmax, count, sum, value } }
}
