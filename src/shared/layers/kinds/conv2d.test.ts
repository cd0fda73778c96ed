import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('Conv2D', () => {
  it('computes valid, same, explicit and dilated output sizes as PyTorch and TensorFlow', () => {
    expect(one('Conv2D', { filters: 96, kernelSize: 11, strides: 4 }, [227, 227, 3]).outputShape).toEqual([
      null,
      55,
      55,
      96,
    ])
    expect(
      one('Conv2D', { filters: 64, kernelSize: 7, strides: 2, padding: 3 }, [224, 224, 3]).outputShape,
    ).toEqual([null, 112, 112, 64])
    // even kernel with 'same': output = input
    expect(one('Conv2D', { kernelSize: 4, padding: 'same' }, [5, 5, 1]).outputShape).toEqual([null, 5, 5, 32])
    // stride larger than the kernel
    expect(one('Conv2D', { kernelSize: 2, strides: 3 }, [10, 10, 1]).outputShape).toEqual([null, 3, 3, 32])
    // dilation 2: extent 5
    expect(one('Conv2D', { kernelSize: 3, dilation: 2 }, [10, 12, 1]).outputShape).toEqual([null, 6, 8, 32])
    // asymmetric explicit padding and a non-square kernel
    const p = { top: 1, bottom: 0, left: 2, right: 3 }
    expect(one('Conv2D', { kernelSize: [3, 5], padding: p }, [8, 8, 1]).outputShape).toEqual([null, 7, 9, 32])
  })

  it('counts weights, bias and MACs', () => {
    const n = one('Conv2D', { filters: 6, kernelSize: 5 }, [32, 32, 1])
    expect(n.params).toEqual({ trainable: 156, nonTrainable: 0 }) // LeNet C1
    expect(n.macs).toBe(28 * 28 * 6 * 25)
    expect(
      one('Conv2D', { filters: 64, kernelSize: 3, useBias: false }, [56, 56, 64]).params!.trainable,
    ).toBe(36_864)
  })

  it('explains a kernel larger than its input, with the dilated extent', () => {
    expect(one('Conv2D', { kernelSize: 3, dilation: 3 }, [6, 6, 1]).error!.message).toBe(
      "kernel 3×3 (dilated to 7×7) > input 6×6 with padding 'valid': output would be 0×0 (height and width: out = ⌊(6 + 0 + 0 − 3·(3−1) − 1) / 1⌋ + 1 = 0). Use padding 'same' or a smaller kernel.",
    )
    const padded = one('Conv2D', { kernelSize: 7, padding: 1 }, [4, 4, 1]).error!
    expect(padded.message).toMatch(
      /^kernel 7×7 > input 4×4 with padding padded to 6×6: output would be 0×0 \(height and width: out = ⌊\(4 \+ 1 \+ 1 − 1·\(7−1\) − 1\) \/ 1⌋ \+ 1 = 0\)\./,
    )
    expect(padded.param).toBe('kernelSize')
    // Only the axis that comes out empty is explained.
    expect(one('Conv2D', { kernelSize: [3, 9] }, [10, 6, 1]).error!.message).toBe(
      "kernel 3×9 > input 10×6 with padding 'valid': output would be 8×−2 (width: out = ⌊(6 + 0 + 0 − 1·(9−1) − 1) / 1⌋ + 1 = −2). Use padding 'same' or a smaller kernel.",
    )
  })

  it('refuses a flat input and bad parameters', () => {
    expect(one('Conv2D', {}, [10]).error!.message).toMatch(
      /^Conv2D needs a 4-D feature map .* but its input is 10 \(1-D\)/,
    )
    expect(one('Conv2D', { filters: 0 }, [8, 8, 1]).error!.param).toBe('filters')
    expect(one('Conv2D', { padding: 'full' }, [8, 8, 1]).error!.param).toBe('padding')
  })
})
