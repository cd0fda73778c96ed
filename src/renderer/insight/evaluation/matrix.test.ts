import { describe, expect, it } from 'vitest'
import { formatShare, formatSharePrecise, intensity, matrixMax, rowNormalise } from './matrix'

describe('rowNormalise', () => {
  it('divides each row by its own sum', () => {
    expect(
      rowNormalise([
        [8, 2],
        [1, 3],
      ]),
    ).toEqual([
      [0.8, 0.2],
      [0.25, 0.75],
    ])
  })

  it('leaves a class without samples at zero instead of NaN', () => {
    expect(
      rowNormalise([
        [0, 0],
        [0, 5],
      ]),
    ).toEqual([
      [0, 0],
      [0, 1],
    ])
  })
})

describe('the colour scale', () => {
  it('runs from 0 for an empty cell to 1 for the largest', () => {
    expect(intensity(0, 900)).toBe(0)
    expect(intensity(900, 900)).toBe(1)
  })

  it('is a square root, so small errors beside a large diagonal still show', () => {
    expect(intensity(9, 900)).toBeCloseTo(0.1)
    expect(intensity(225, 900)).toBeCloseTo(0.5)
  })

  it('is safe on an empty matrix and clamps values above the top', () => {
    expect(matrixMax([[0, 0]])).toBe(1)
    expect(
      matrixMax([
        [3, 7],
        [1, 0],
      ]),
    ).toBe(7)
    expect(intensity(5, 0)).toBe(0)
    expect(intensity(12, 7)).toBe(1)
    expect(intensity(Number.NaN, 7)).toBe(0)
  })
})

describe('shares', () => {
  it('print short in cells and precisely for screen readers', () => {
    expect(formatShare(0)).toBe('0')
    expect(formatShare(0.001)).toBe('<1%')
    expect(formatShare(0.926)).toBe('93%')
    expect(formatSharePrecise(0.926)).toBe('92.6%')
  })
})
