import { describe, expect, it } from 'vitest'
import { formatLoss, formatPercent, formatRate, formatSeconds, formatSpeed } from './run-format'

describe('run formats', () => {
  it('formats accuracies, losses, rates, durations and speeds', () => {
    expect(formatPercent(0.98123)).toBe('98.12%')
    expect(formatPercent(null)).toBe('–')
    expect(formatLoss(0.061234)).toBe('0.0612')
    expect(formatLoss(NaN)).toBe('–')
    expect(formatRate(0.001)).toBe('0.001')
    expect(formatRate(0.00030000001)).toBe('0.0003')
    expect(formatSeconds(42.4)).toBe('42 s')
    expect(formatSeconds(125)).toBe('2 min 05 s')
    expect(formatSeconds(7620)).toBe('2 h 07 min')
    expect(formatSeconds(Infinity)).toBe('–')
    expect(formatSpeed(1234.5)).toBe('1,235 samples/s')
  })
})
