import { mulberry32, shuffled } from './random'
import { DatasetFileError } from './idx'
import type { ImageSet } from './types'

/**
 * Splits `indices` (rows of `labels`) in two, class by class: a seeded random `share` of each
 * class (rounded to the nearest sample) goes to the second list, the rest to the first. Each class
 * keeps its proportion in both lists to within one sample, the same seed gives the same split,
 * and both lists come back sorted. Classes are visited in label order with one random stream, so
 * the split does not depend on the order of `indices`.
 */
export function stratifiedSplit(
  labels: Uint8Array,
  indices: ArrayLike<number>,
  share: number,
  seed: number,
): [Uint32Array, Uint32Array] {
  if (!(share >= 0 && share <= 1))
    throw new DatasetFileError(`A split share must be between 0 and 1; got ${share}.`)
  if (!Number.isFinite(seed)) throw new DatasetFileError(`A split seed must be a number; got ${seed}.`)
  const byClass = new Map<number, number[]>()
  const sorted = Uint32Array.from(indices).sort()
  for (const i of sorted) {
    if (i >= labels.length)
      throw new DatasetFileError(`Row ${i} is outside the set (${labels.length} labels).`)
    const list = byClass.get(labels[i])
    if (list) list.push(i)
    else byClass.set(labels[i], [i])
  }
  const first: number[] = []
  const second: number[] = []
  const random = mulberry32(seed)
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = byClass.get(label)!
    const order = shuffled(list.length, random)
    const take = Math.round(list.length * share)
    order.forEach((k, j) => (j < take ? second : first).push(list[k]))
  }
  return [Uint32Array.from(first).sort(), Uint32Array.from(second).sort()]
}

/**
 * A seeded, stratified train/validation split of a set's rows: `validation` is the share (0 to 1)
 * held out, per class. Returns sorted row indices into `set`.
 */
export function trainValidationSplit(
  set: ImageSet,
  validation: number,
  seed: number,
): { train: Uint32Array; validation: Uint32Array } {
  const all = new Uint32Array(set.count)
  for (let i = 0; i < set.count; i++) all[i] = i
  const [train, held] = stratifiedSplit(set.labels, all, validation, seed)
  return { train, validation: held }
}

/** How many of `rows` (default: all) carry each label 0 … classes − 1. */
export function classCounts(labels: Uint8Array, classes: number, rows?: ArrayLike<number>): number[] {
  const counts = new Array<number>(classes).fill(0)
  const n = rows ? rows.length : labels.length
  for (let i = 0; i < n; i++) {
    const l = labels[rows ? rows[i] : i]
    if (l < classes) counts[l]++
  }
  return counts
}
