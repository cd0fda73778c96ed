import { describe, expect, it } from 'vitest'
import { fromTorchLayout, toTorchLayout } from './layouts'
import type { TorchLayout } from './types'

const values = (n: number) => Float32Array.from({ length: n }, (_, i) => i)

describe('weight layouts between TF.js and PyTorch', () => {
  it('transposes a Dense kernel [in, out] into a Linear weight [out, in]', () => {
    // TF.js [2, 3]: rows are inputs.
    expect([...toTorchLayout('transpose', values(6), [3, 2])]).toEqual([0, 3, 1, 4, 2, 5])
  })

  it('reads a depthwise kernel [kh, kw, c, m] as PyTorch [c·m, 1, kh, kw], channel c·m + j', () => {
    const [kh, kw, c, m] = [1, 2, 3, 2]
    const torch = toTorchLayout('kernel', values(kh * kw * c * m), [c * m, 1, kh, kw])
    // Output channel 2·2 + 1 = 5 at x = 1: TF.js index (1·3 + 2)·2 + 1 = 11.
    expect(torch[5 * kw + 1]).toBe(11)
  })

  it('goes back to TF.js unchanged', () => {
    for (const [layout, shape] of [
      ['kernel', [4, 3, 2, 5]],
      ['kernel', [6, 1, 3, 3]],
      ['transpose', [7, 5]],
      ['copy', [9]],
    ] as [TorchLayout, number[]][]) {
      const n = shape.reduce((a, b) => a * b, 1)
      expect(fromTorchLayout(layout, toTorchLayout(layout, values(n), shape), shape)).toEqual(values(n))
    }
  })

  it('refuses values of the wrong size', () => {
    expect(() => toTorchLayout('copy', values(3), [4])).toThrow(
      'A tensor of shape [4] needs 4 values, got 3.',
    )
  })
})
