import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { classCounts, stratifiedSplit, trainValidationSplit } from './split'
import type { ImageSet } from './types'

const setOf = (labels: number[]): ImageSet => ({
  images: new Uint8Array(labels.length),
  labels: Uint8Array.from(labels),
  count: labels.length,
  height: 1,
  width: 1,
  channels: 1,
})

const labelsArb = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 0, maxLength: 400 })
const shareArb = fc.double({ min: 0, max: 1, noNaN: true })
const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 })

describe('stratified train/validation split', () => {
  it('partitions the rows: every row exactly once, both lists sorted', () => {
    fc.assert(
      fc.property(labelsArb, shareArb, seedArb, (labels, share, seed) => {
        const { train, validation } = trainValidationSplit(setOf(labels), share, seed)
        const all = [...train, ...validation].sort((a, b) => a - b)
        expect(all).toEqual(labels.map((_, i) => i))
        expect([...train]).toEqual([...train].sort((a, b) => a - b))
        expect([...validation]).toEqual([...validation].sort((a, b) => a - b))
      }),
    )
  })

  it('keeps each class’s share in the validation split to within one sample', () => {
    fc.assert(
      fc.property(labelsArb, shareArb, seedArb, (labels, share, seed) => {
        const set = setOf(labels)
        const { validation } = trainValidationSplit(set, share, seed)
        const total = classCounts(set.labels, 10)
        const held = classCounts(set.labels, 10, validation)
        total.forEach((n, c) => expect(Math.abs(held[c] - n * share)).toBeLessThanOrEqual(1))
      }),
    )
  })

  it('gives the same split for the same seed, whatever the order of the rows asked for', () => {
    fc.assert(
      fc.property(labelsArb, shareArb, seedArb, (labels, share, seed) => {
        const set = setOf(labels)
        expect(trainValidationSplit(set, share, seed)).toEqual(trainValidationSplit(set, share, seed))
        const rows = labels.map((_, i) => i)
        const reversed = [...rows].reverse()
        expect(stratifiedSplit(set.labels, reversed, share, seed)).toEqual(
          stratifiedSplit(set.labels, rows, share, seed),
        )
      }),
    )
  })

  it('splits a subset of the rows only', () => {
    fc.assert(
      fc.property(labelsArb, shareArb, seedArb, (labels, share, seed) => {
        const rows = labels.map((_, i) => i).filter((i) => i % 3 !== 0)
        const [a, b] = stratifiedSplit(Uint8Array.from(labels), rows, share, seed)
        expect([...a, ...b].sort((x, y) => x - y)).toEqual(rows)
      }),
    )
  })

  it('is the split the training loop has always made (resumed runs keep their validation set)', () => {
    // Recorded from src/main/training/data.ts's stratifiedSplit before this module existed.
    const labels = Uint8Array.from({ length: 20 }, (_, i) => i % 3)
    const [, held] = stratifiedSplit(
      labels,
      labels.map((_, i) => i),
      0.25,
      42,
    )
    expect([...held]).toEqual([3, 7, 8, 9, 11, 16])
  })

  it('changes with the seed', () => {
    const set = setOf(Array.from({ length: 1000 }, (_, i) => i % 10))
    expect(trainValidationSplit(set, 0.2, 1).validation).not.toEqual(
      trainValidationSplit(set, 0.2, 2).validation,
    )
    expect(trainValidationSplit(set, 0.2, 1).validation.length).toBe(200)
  })

  it('refuses a share outside 0–1 and rows outside the set', () => {
    const set = setOf([0, 1])
    expect(() => trainValidationSplit(set, 1.5, 1)).toThrow('A split share must be between 0 and 1; got 1.5.')
    expect(() => trainValidationSplit(set, Number.NaN, 1)).toThrow(/got NaN/)
    expect(() => stratifiedSplit(set.labels, [0, 5], 0.5, 1)).toThrow('Row 5 is outside the set (2 labels).')
  })
})
