import { describe, expect, it } from 'vitest'
import { pyArgs, pyNumber, pyValue } from './py'

describe('Python values', () => {
  it('writes numbers as Python reads them, rounding float noise', () => {
    expect(pyNumber(3)).toBe('3')
    expect(pyNumber(1 - 0.99)).toBe('0.01')
    expect(pyNumber(1e-7)).toBe('1e-7')
    expect(pyNumber(-Infinity)).toBe('float("-inf")')
  })

  it('writes pairs of equal numbers as one, booleans and code', () => {
    expect(pyValue([3, 3])).toBe('3')
    expect(pyValue([3, 2])).toBe('(3, 2)')
    expect(pyValue(false)).toBe('False')
    expect(pyValue({ code: '(0, 1, 0, 1)' })).toBe('(0, 1, 0, 1)')
  })

  it("leaves out arguments at PyTorch's defaults unless written otherwise", () => {
    const args = [
      { value: 8 },
      { keyword: 'stride', value: [1, 1], default: 1 },
      { keyword: 'bias', value: false, default: true },
    ]
    expect(pyArgs(args)).toBe('8, bias=False')
    expect(pyArgs(args, (a) => (a.keyword === 'stride' ? 'stride' : null))).toBe(
      '8, stride=stride, bias=False',
    )
  })
})
