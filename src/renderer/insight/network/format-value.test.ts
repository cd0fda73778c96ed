import { describe, expect, it } from 'vitest'
import { formatProbability, formatValue } from './format-value'

describe('value formats', () => {
  it('print 4 significant digits, exponents for tiny or huge values', () => {
    expect(formatValue(0)).toBe('0')
    expect(formatValue(1.23456)).toBe('1.235')
    expect(formatValue(-0.5)).toBe('-0.5')
    expect(formatValue(0.0001234)).toBe('1.23e-4')
    expect(formatValue(123456)).toBe('1.23e+5')
    expect(formatValue(Number.NaN)).toBe('NaN')
  })
  it('print probabilities as percentages', () => {
    expect(formatProbability(0.982)).toBe('98.2 %')
    expect(formatProbability(1)).toBe('100.00 %')
  })
})
