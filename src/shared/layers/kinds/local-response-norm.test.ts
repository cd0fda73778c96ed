import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('LocalResponseNorm', () => {
  it('keeps the shape, without parameters (AlexNet: size 5, α 1e-4, β 0.75, k 2)', () => {
    const n = one('LocalResponseNorm', {}, [55, 55, 96])
    expect(n.outputShape).toEqual([null, 55, 55, 96])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
    expect(n.macs).toBe(0)
    expect(n.summary).toBe('size 5')
  })

  it('insists on an odd size, with the fix', () => {
    const e = one('LocalResponseNorm', { size: 4 }, [27, 27, 96]).error!
    expect(e).toEqual({
      message: 'LocalResponseNorm needs an odd size (a window centred on each channel), got 4. Use 5.',
      param: 'size',
      fix: { type: 'setParam', label: 'Set size to 5', param: 'size', value: 5 },
    })
    expect(one('LocalResponseNorm', { size: 0 }, [2, 2, 1]).error!.param).toBe('size')
  })

  it('refuses a flat input', () => {
    expect(one('LocalResponseNorm', {}, [4]).error!.message).toBe(
      'LocalResponseNorm needs a 4-D feature map (height×width×channels) but its input is 4 (1-D). Connect it to a convolution or pooling output, not to a Dense or Flatten output.',
    )
  })
})
