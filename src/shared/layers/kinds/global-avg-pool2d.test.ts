import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('GlobalAvgPool2D', () => {
  it('reduces a map to one value per channel (ResNet-50: 7×7×2048 → 2048)', () => {
    const n = one('GlobalAvgPool2D', {}, [7, 7, 2048])
    expect(n.outputShape).toEqual([null, 2048])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
    expect(n.macs).toBe(0)
    expect(one('GlobalAvgPool2D', {}, [1, 3, 5]).outputShape).toEqual([null, 5])
  })

  it('refuses a flat input and any parameter', () => {
    expect(one('GlobalAvgPool2D', {}, [7]).error!.message).toBe(
      'GlobalAvgPool2D needs a 4-D feature map (height×width×channels) but its input is 7 (1-D). Connect it to a convolution or pooling output, not to a Dense or Flatten output.',
    )
    expect(one('GlobalAvgPool2D', { keepDims: true }, [2, 2, 1]).error!.message).toBe(
      "Unknown parameter 'keepDims': remove it.",
    )
  })
})
