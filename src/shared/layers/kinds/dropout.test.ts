import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('Dropout', () => {
  it('keeps the shape of any rank, without parameters', () => {
    const n = one('Dropout', { rate: 0.4 }, [7, 7, 3])
    expect(n.outputShape).toEqual([null, 7, 7, 3])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
    expect(n.macs).toBe(0)
    expect(n.summary).toBe('rate 0.4')
    expect(one('Dropout', {}, [4096]).outputShape).toEqual([null, 4096])
    expect(one('Dropout', { rate: 0 }, [4]).status).toBe('ok')
  })

  it('validates its rate: 0 ≤ rate < 1', () => {
    expect(one('Dropout', { rate: 1 }, [4]).error).toEqual({
      message: "Parameter 'rate': Too big: expected number to be <1 (got 1).",
      param: 'rate',
    })
    expect(one('Dropout', { rate: -0.1 }, [4]).error!.param).toBe('rate')
  })
})
