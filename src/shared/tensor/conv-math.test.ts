import { describe, expect, it } from 'vitest'
import { outputLength, outputLengthCeil, samePads } from './conv-math'

describe('conv-math', () => {
  it('computes valid and explicit padding as PyTorch does', () => {
    expect(outputLength(224, 7, 2, 1, { before: 3, after: 3 })).toBe(112)
    expect(outputLength(227, 11, 4, 1, { before: 0, after: 0 })).toBe(55)
    expect(outputLength(32, 5, 1, 1, { before: 0, after: 0 })).toBe(28)
    expect(outputLength(10, 3, 1, 2, { before: 0, after: 0 })).toBe(6) // dilation 2: extent 5
    expect(outputLength(5, 3, 2, 1, { before: 1, after: 0 })).toBe(2) // asymmetric
    expect(outputLength(3, 7, 1, 1, { before: 0, after: 0 })).toBe(-3)
  })

  it('computes ceil mode as PyTorch does', () => {
    expect(outputLengthCeil(112, 3, 2, 1, { before: 0, after: 0 })).toBe(56) // GoogLeNet stem
    expect(outputLengthCeil(14, 3, 2, 1, { before: 0, after: 0 })).toBe(7)
    expect(outputLengthCeil(5, 2, 2, 1, { before: 0, after: 0 })).toBe(3)
    expect(outputLengthCeil(6, 2, 2, 1, { before: 1, after: 1 })).toBe(4)
    expect(outputLengthCeil(4, 3, 2, 1, { before: 1, after: 1 })).toBe(3)
    // ceil gives 4, but the 4th window would start in the trailing padding: torch drops it
    expect(outputLengthCeil(5, 2, 2, 1, { before: 1, after: 1 })).toBe(3)
  })

  it('puts the odd same-padding pixel at the end, as TensorFlow does', () => {
    expect(samePads(112, 3, 2, 1)).toEqual({ before: 0, after: 1 })
    expect(samePads(224, 7, 2, 1)).toEqual({ before: 2, after: 3 })
    expect(samePads(5, 4, 1, 1)).toEqual({ before: 1, after: 2 })
    expect(samePads(7, 1, 3, 1)).toEqual({ before: 0, after: 0 })
    expect(samePads(28, 3, 1, 2)).toEqual({ before: 2, after: 2 })
  })
})
