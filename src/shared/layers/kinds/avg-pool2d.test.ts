import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('AvgPool2D', () => {
  it('pools with valid, same and explicit padding, without parameters', () => {
    const n = one('AvgPool2D', {}, [28, 28, 6])
    expect(n.outputShape).toEqual([null, 14, 14, 6])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
    expect(n.macs).toBe(0)
    // GoogLeNet's final AvgPool2d(7, 1) on 7×7 → 1×1
    expect(one('AvgPool2D', { poolSize: 7, strides: 1 }, [7, 7, 1024]).outputShape).toEqual([
      null,
      1,
      1,
      1024,
    ])
    expect(one('AvgPool2D', { poolSize: 3, strides: 1, padding: 'same' }, [28, 28, 8]).outputShape).toEqual([
      null,
      28,
      28,
      8,
    ])
    expect(one('AvgPool2D', { poolSize: 3, padding: 1 }, [112, 112, 64]).outputShape).toEqual([
      null,
      56,
      56,
      64,
    ])
    expect(one('AvgPool2D', { poolSize: 3, padding: 1 }, [8, 8, 1]).summary).toBe('3×3 /2 · pad 1')
  })

  it('drops a ceil-mode window that would start in the trailing padding, as PyTorch', () => {
    // torch.nn.AvgPool2d(2, 2, padding=1, ceil_mode=True) on 5×5: ceil gives 4, torch gives 3
    expect(one('AvgPool2D', { padding: 1, ceilMode: true }, [5, 5, 1]).outputShape).toEqual([null, 3, 3, 1])
    expect(one('AvgPool2D', { padding: 1 }, [5, 5, 1]).outputShape).toEqual([null, 3, 3, 1])
    expect(one('AvgPool2D', { padding: 1, ceilMode: true }, [6, 6, 1]).outputShape).toEqual([null, 4, 4, 1])
  })

  it('explains a window larger than the padded input', () => {
    const e = one('AvgPool2D', { poolSize: 5, padding: 1 }, [2, 2, 1]).error!
    expect(e.message).toBe(
      "pool 5×5 > input 2×2 with padding padded to 4×4: output would be 0×0 (height and width: out = ⌊(2 + 1 + 1 − 1·(5−1) − 1) / 2⌋ + 1 = 0). Use padding 'same' or a smaller pool.",
    )
    expect(e.param).toBe('poolSize')
  })
})
