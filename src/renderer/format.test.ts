import { describe, expect, it } from 'vitest'
import { formatBytes, formatCount, formatTotals } from './format'

describe('formatCount', () => {
  it('keeps three significant digits with an SI suffix', () => {
    expect(formatCount(0)).toBe('0')
    expect(formatCount(431)).toBe('431')
    expect(formatCount(999)).toBe('999')
    expect(formatCount(1000)).toBe('1.00 K')
    expect(formatCount(61_706)).toBe('61.7 K')
    expect(formatCount(11_689_512)).toBe('11.7 M')
    expect(formatCount(138_357_544)).toBe('138 M')
    expect(formatCount(1_818_228_160)).toBe('1.82 G')
    expect(formatCount(15_470_264_320)).toBe('15.5 G')
  })

  it('moves to the next unit instead of printing 1000', () => {
    expect(formatCount(999_950)).toBe('1.00 M')
    expect(formatCount(999_499)).toBe('999 K')
    expect(formatCount(2.5e15)).toBe('2500 T')
  })

  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1_234_567)).toBe('1.23 MB')
  })

  it('formats the gallery line', () => {
    expect(formatTotals({ trainable: 11_689_512, macs: 1_818_228_160 })).toBe('11.7 M params · 1.82 G MACs')
  })
})
