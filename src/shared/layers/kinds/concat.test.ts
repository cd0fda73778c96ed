import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('Concat', () => {
  it('joins channels in input order (Inception 3a: 64 + 128 + 32 + 32)', () => {
    const n = one('Concat', { inputs: 4 }, [28, 28, 64], [28, 28, 128], [28, 28, 32], [28, 28, 32])
    expect(n.outputShape).toEqual([null, 28, 28, 256])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
    expect(n.macs).toBe(0)
    expect(n.summary).toBe('4 inputs · channels')
    expect(one('Concat', {}, [3], [4]).outputShape).toEqual([null, 7])
  })

  it('quotes differing heights and widths', () => {
    expect(one('Concat', {}, [28, 28, 8], [14, 14, 8]).error).toEqual({
      message:
        "Concat joins along channels, so heights and widths must match, but input 1 is 28×28 and input 2 is 14×14. Give the branches the same strides and padding 'same'.",
      port: 1,
    })
    expect(one('Concat', { inputs: 3 }, [5, 6, 1], [5, 6, 2], [5, 5, 1]).error!.message).toMatch(
      /but input 1 is 5×6 and input 3 is 5×5\./,
    )
  })

  it('refuses inputs of different ranks', () => {
    expect(one('Concat', {}, [2, 2, 8], [4]).error).toEqual({
      message:
        'Concat needs inputs of the same rank, but input 1 is 2×2×8 and input 2 is 4. Flatten or pool the 4-D input first.',
      port: 1,
    })
  })
})
