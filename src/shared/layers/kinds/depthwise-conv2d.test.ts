import { describe, expect, it } from 'vitest'
import { one } from '../test-util'

describe('DepthwiseConv2D', () => {
  it('multiplies channels by the depth multiplier and counts per-channel kernels', () => {
    const n = one('DepthwiseConv2D', { depthMultiplier: 2, padding: 'same' }, [16, 16, 8])
    expect(n.outputShape).toEqual([null, 16, 16, 16])
    expect(n.params).toEqual({ trainable: 9 * 16 + 16, nonTrainable: 0 })
    expect(n.macs).toBe(16 * 16 * 16 * 9)
  })

  it('uses TensorFlow same padding with stride 2 (MobileNet: 112 → 56)', () => {
    expect(
      one('DepthwiseConv2D', { strides: 2, padding: 'same', useBias: false }, [112, 112, 64]).outputShape,
    ).toEqual([null, 56, 56, 64])
    expect(one('DepthwiseConv2D', { dilation: 2 }, [9, 9, 3]).outputShape).toEqual([null, 5, 5, 3])
  })

  it('explains a kernel larger than its input', () => {
    expect(one('DepthwiseConv2D', { kernelSize: 5 }, [3, 3, 2]).error!.message).toMatch(
      /^kernel 5×5 > input 3×3/,
    )
  })
})
