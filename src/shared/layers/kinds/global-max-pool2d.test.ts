import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('GlobalMaxPool2D', () => {
  it('reduces a map to one value per channel', () => {
    const n = one('GlobalMaxPool2D', {}, [14, 12, 512])
    expect(n.outputShape).toEqual([null, 512])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
    expect(n.macs).toBe(0)
  })

  it('refuses a flat input', () => {
    expect(one('GlobalMaxPool2D', {}, [7]).error!.message).toMatch(
      /^GlobalMaxPool2D needs a 4-D feature map \(height×width×channels\) but its input is 7 \(1-D\)\./,
    )
  })
})
