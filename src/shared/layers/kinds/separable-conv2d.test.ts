import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

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

describe('SeparableConv2D shapes', () => {
  it('counts a depth multiplier as Keras (SeparableConv2D(64, 3, depth_multiplier=2) on 32×32×3: 502)', () => {
    expect(one('SeparableConv2D', { filters: 64, depthMultiplier: 2 }, [32, 32, 3]).params!.trainable).toBe(
      9 * 6 + 6 * 64 + 64,
    )
  })

  it('dilates the depthwise kernel and pads an even kernel as TensorFlow', () => {
    const n = one('SeparableConv2D', { filters: 16, dilation: 2, activation: 'relu' }, [10, 12, 4])
    expect(n.outputShape).toEqual([null, 6, 8, 16])
    expect(n.summary).toBe('16 · 3×3 · dil 2×2 · valid · relu')
    expect(one('SeparableConv2D', { kernelSize: 4, padding: 'same' }, [5, 5, 1]).outputShape).toEqual([
      null,
      5,
      5,
      32,
    ])
  })

  it('explains a kernel larger than its input and refuses a flat input', () => {
    expect(one('SeparableConv2D', { kernelSize: 5 }, [4, 4, 1]).error).toMatchObject({
      message:
        "kernel 5×5 > input 4×4 with padding 'valid': output would be 0×0 (height and width: out = ⌊(4 + 0 + 0 − 1·(5−1) − 1) / 1⌋ + 1 = 0). Use padding 'same' or a smaller kernel.",
      param: 'kernelSize',
    })
    expect(one('SeparableConv2D', {}, [8]).error!.port).toBe(0)
  })
})
