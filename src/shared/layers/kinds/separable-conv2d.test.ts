import { describe, expect, it } from 'vitest'
import { one } from '../test-util'

describe('SeparableConv2D', () => {
  it('counts depthwise + pointwise weights as Keras does', () => {
    // keras.layers.SeparableConv2D(64, 3) on 32×32×3: 27 + 192 + 64 = 283
    const n = one('SeparableConv2D', { filters: 64 }, [32, 32, 3])
    expect(n.outputShape).toEqual([null, 30, 30, 64])
    expect(n.params).toEqual({ trainable: 283, nonTrainable: 0 })
    expect(n.macs).toBe(30 * 30 * 3 * (9 + 64))
  })

  it('supports a depth multiplier and same padding', () => {
    const n = one(
      'SeparableConv2D',
      { filters: 8, depthMultiplier: 2, padding: 'same', strides: 2, useBias: false },
      [7, 7, 4],
    )
    expect(n.outputShape).toEqual([null, 4, 4, 8])
    expect(n.params!.trainable).toBe(9 * 8 + 8 * 8)
  })
})
