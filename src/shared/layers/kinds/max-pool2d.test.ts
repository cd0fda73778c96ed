import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('MaxPool2D', () => {
  it('halves a map by default, per channel, with no parameters', () => {
    const n = one('MaxPool2D', {}, [28, 28, 6]) // LeNet S2
    expect(n.outputShape).toEqual([null, 14, 14, 6])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
    expect(n.macs).toBe(0)
    expect(n.summary).toBe('2×2 /2')
  })

  it('computes valid, same and explicit padding as PyTorch and TensorFlow', () => {
    // torchvision ResNet stem: MaxPool2d(3, 2, padding=1) on 112 → 56
    expect(one('MaxPool2D', { poolSize: 3, padding: 1 }, [112, 112, 64]).outputShape).toEqual([
      null,
      56,
      56,
      64,
    ])
    // AlexNet: MaxPool2d(3, 2) on 55 → 27
    expect(one('MaxPool2D', { poolSize: 3 }, [55, 55, 96]).outputShape).toEqual([null, 27, 27, 96])
    // Inception's 3×3 /1 same branch keeps the size
    expect(one('MaxPool2D', { poolSize: 3, strides: 1, padding: 'same' }, [28, 28, 192]).outputShape).toEqual(
      [null, 28, 28, 192],
    )
    // same with stride 2 on an odd size: ceil(7 / 2)
    expect(one('MaxPool2D', { padding: 'same' }, [7, 7, 1]).outputShape).toEqual([null, 4, 4, 1])
    // stride larger than the window
    expect(one('MaxPool2D', { poolSize: 2, strides: 3 }, [10, 10, 1]).outputShape).toEqual([null, 3, 3, 1])
    // non-square window and asymmetric explicit padding
    const pad = { top: 1, bottom: 0, left: 0, right: 1 }
    expect(one('MaxPool2D', { poolSize: [3, 2], strides: 1, padding: pad }, [6, 6, 1]).outputShape).toEqual([
      null,
      5,
      6,
      1,
    ])
  })

  it('refuses padding as large as the window, which would leave windows of padding only', () => {
    const pad = { top: 1, bottom: 0, left: 0, right: 2 }
    const r = one('MaxPool2D', { poolSize: [3, 2], strides: 1, padding: pad }, [6, 6, 1])
    expect(r.outputShape).toBeNull()
    expect(r.error?.message).toBe(
      "MaxPool2D padding 1/0/0/2 (top/bottom/left/right) must be smaller than the 3×2 pool on each side, or some windows would hold only padding. Use padding 'same' or less padding.",
    )
  })

  it('rounds up in ceil mode as PyTorch does', () => {
    // GoogLeNet: MaxPool2d(3, 2, ceil_mode=True) on 112 → 56 (55 without)
    expect(one('MaxPool2D', { poolSize: 3, ceilMode: true }, [112, 112, 64]).outputShape).toEqual([
      null,
      56,
      56,
      64,
    ])
    expect(one('MaxPool2D', { poolSize: 3 }, [112, 112, 64]).outputShape).toEqual([null, 55, 55, 64])
    expect(one('MaxPool2D', { ceilMode: true }, [5, 5, 1]).outputShape).toEqual([null, 3, 3, 1])
    expect(one('MaxPool2D', { poolSize: 3, ceilMode: true }, [14, 14, 1]).summary).toBe('3×3 /2 · ceil')
  })

  it('explains a window larger than the input on poolSize, with a fix', () => {
    const e = one('MaxPool2D', { poolSize: 3 }, [2, 2, 1]).error!
    expect(e.message).toBe(
      "pool 3×3 > input 2×2 with padding 'valid': output would be 0×0 (height and width: out = ⌊(2 + 0 + 0 − 1·(3−1) − 1) / 2⌋ + 1 = 0). Use padding 'same' or a smaller pool.",
    )
    expect(e.param).toBe('poolSize')
    expect(e.fix).toEqual({
      type: 'setParam',
      label: "Set padding to 'same'",
      param: 'padding',
      value: 'same',
    })
  })

  it('refuses a flat input', () => {
    expect(one('MaxPool2D', {}, [64]).error!.message).toBe(
      'MaxPool2D needs a 4-D feature map (height×width×channels) but its input is 64 (1-D). Connect it to a convolution or pooling output, not to a Dense or Flatten output.',
    )
  })
})
