import { describe, expect, it } from 'vitest'
import { one } from '../test-util'

describe('Dense', () => {
  it('counts weights and MACs', () => {
    const n = one('Dense', { units: 120 }, [400])
    expect(n.outputShape).toEqual([null, 120])
    expect(n.params).toEqual({ trainable: 48_120, nonTrainable: 0 })
    expect(n.macs).toBe(48_000)
    expect(one('Dense', { units: 10, useBias: false }, [84]).params!.trainable).toBe(840)
  })

  it('after a 4-D map, suggests Flatten or global pooling with the numbers', () => {
    const e = one('Dense', { units: 10 }, [7, 7, 64]).error!
    expect(e.message).toBe(
      'Dense needs a flat vector but its input is the 3-D map 7×7×64. Insert a Flatten (3136 features) or a GlobalAvgPool2D (64 features) before it.',
    )
    expect(e.port).toBe(0)
    expect(e.fix).toEqual({
      type: 'insertBefore',
      label: 'Insert Flatten',
      port: 0,
      kind: 'Flatten',
      params: {},
    })
  })
})

describe('Flatten', () => {
  it('unrolls H×W×C and passes a vector through', () => {
    expect(one('Flatten', {}, [5, 3, 16]).outputShape).toEqual([null, 240])
    expect(one('Flatten', {}, [12]).outputShape).toEqual([null, 12])
  })
})

describe('Dropout', () => {
  it('keeps the shape and validates its rate', () => {
    expect(one('Dropout', { rate: 0.4 }, [7, 7, 3]).outputShape).toEqual([null, 7, 7, 3])
    expect(one('Dropout', { rate: 1 }, [4]).error!.param).toBe('rate')
  })
})
