import { describe, expect, it } from 'vitest'
import { one } from '../test-util'

describe('MaxPool2D and AvgPool2D', () => {
  it('pool with valid, same and explicit padding, per channel, without parameters', () => {
    for (const kind of ['MaxPool2D', 'AvgPool2D']) {
      const n = one(kind, {}, [28, 28, 6])
      expect(n.outputShape).toEqual([null, 14, 14, 6])
      expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
      expect(n.macs).toBe(0)
      expect(one(kind, { poolSize: 3, strides: 2, padding: 1 }, [112, 112, 64]).outputShape).toEqual([
        null,
        56,
        56,
        64,
      ])
      expect(one(kind, { poolSize: 3, strides: 1, padding: 'same' }, [28, 28, 192]).outputShape).toEqual([
        null,
        28,
        28,
        192,
      ])
      // stride larger than the window
      expect(one(kind, { poolSize: 2, strides: 3 }, [10, 10, 1]).outputShape).toEqual([null, 3, 3, 1])
    }
  })

  it('rounds up in ceil mode as PyTorch does', () => {
    expect(one('MaxPool2D', { poolSize: 3, strides: 2, ceilMode: true }, [112, 112, 64]).outputShape).toEqual(
      [null, 56, 56, 64],
    )
    expect(one('MaxPool2D', { poolSize: 3, strides: 2 }, [112, 112, 64]).outputShape).toEqual([
      null,
      55,
      55,
      64,
    ])
    // the window that would start in the trailing padding is dropped
    expect(
      one('AvgPool2D', { poolSize: 2, strides: 2, padding: 1, ceilMode: true }, [5, 5, 1]).outputShape,
    ).toEqual([null, 3, 3, 1])
  })

  it('explains a window larger than the input on poolSize, with a fix', () => {
    const e = one('MaxPool2D', { poolSize: 3 }, [2, 2, 1]).error!
    expect(e.message).toBe(
      "pool 3×3 > input 2×2 with padding 'valid': output would be 0×0. Use padding 'same' or a smaller kernel.",
    )
    expect(e.param).toBe('poolSize')
    expect(e.fix).toMatchObject({ param: 'padding', value: 'same' })
  })
})

describe('GlobalAvgPool2D and GlobalMaxPool2D', () => {
  it('reduce a map to its channels and refuse a flat input', () => {
    for (const kind of ['GlobalAvgPool2D', 'GlobalMaxPool2D']) {
      expect(one(kind, {}, [7, 7, 512]).outputShape).toEqual([null, 512])
      expect(one(kind, {}, [7]).error!.message).toMatch(new RegExp(`^${kind} needs a 4-D feature map`))
    }
  })
})
