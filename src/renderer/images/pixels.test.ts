import { describe, expect, it } from 'vitest'
import { toRgba } from './pixels'

describe('sample pixels', () => {
  it('draws grey from one channel and colour from three, opaque', () => {
    expect([...toRgba(Uint8Array.of(0, 200), { height: 1, width: 2, channels: 1 })]).toEqual([
      0, 0, 0, 255, 200, 200, 200, 255,
    ])
    expect([...toRgba(Uint8Array.of(1, 2, 3, 4, 5, 6), { height: 2, width: 1, channels: 3 })]).toEqual([
      1, 2, 3, 255, 4, 5, 6, 255,
    ])
  })

  it('leaves missing bytes black', () => {
    expect([...toRgba(Uint8Array.of(9), { height: 1, width: 2, channels: 1 })]).toEqual([
      9, 9, 9, 255, 0, 0, 0, 255,
    ])
  })
})
