import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

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

describe('DepthwiseConv2D against Keras', () => {
  it('counts keras.layers.DepthwiseConv2D(3, depth_multiplier=2) on 32×32×3: 60 parameters', () => {
    const n = one('DepthwiseConv2D', { depthMultiplier: 2 }, [32, 32, 3])
    expect(n.outputShape).toEqual([null, 30, 30, 6])
    expect(n.params).toEqual({ trainable: 3 * 3 * 3 * 2 + 6, nonTrainable: 0 })
    expect(n.macs).toBe(30 * 30 * 6 * 9)
    expect(n.summary).toBe('×2 · 3×3 · valid')
  })

  it('handles an even kernel with same padding, asymmetric padding and a stride over the kernel', () => {
    // k 4 on 5 with 'same': pads 1 before, 2 after, output 5
    expect(one('DepthwiseConv2D', { kernelSize: 4, padding: 'same' }, [5, 5, 2]).outputShape).toEqual([
      null,
      5,
      5,
      2,
    ])
    const pad = { top: 0, bottom: 1, left: 2, right: 0 }
    expect(one('DepthwiseConv2D', { strides: 2, padding: pad }, [7, 7, 4]).outputShape).toEqual([
      null,
      3,
      4,
      4,
    ])
    expect(one('DepthwiseConv2D', { kernelSize: 1, strides: 3 }, [7, 7, 4]).outputShape).toEqual([
      null,
      3,
      3,
      4,
    ])
  })

  it('refuses a flat input', () => {
    expect(one('DepthwiseConv2D', {}, [8]).error!.message).toMatch(
      /^DepthwiseConv2D needs a 4-D feature map \(height×width×channels\) but its input is 8 \(1-D\)\./,
    )
  })
})
