import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('Dense', () => {
  it('counts weights, bias and MACs as Keras (LeNet F5: 400 → 120)', () => {
    const n = one('Dense', { units: 120, activation: 'relu' }, [400])
    expect(n.outputShape).toEqual([null, 120])
    expect(n.params).toEqual({ trainable: 48_120, nonTrainable: 0 })
    expect(n.macs).toBe(48_000)
    expect(n.summary).toBe('120 · relu')
    expect(one('Dense', { units: 10, useBias: false }, [84]).params!.trainable).toBe(840)
    // VGG-16 fc6: 25088 → 4096
    expect(one('Dense', { units: 4096 }, [25_088]).params!.trainable).toBe(102_764_544)
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
    expect(one('Dense', {}, [1, 1, 1]).error!.message).toMatch(
      /Insert a Flatten \(1 feature\) or a GlobalAvgPool2D \(1 feature\) before it\.$/,
    )
  })

  it('validates units', () => {
    expect(one('Dense', { units: 0 }, [4]).error!.param).toBe('units')
    expect(one('Dense', { units: 2.5 }, [4]).error!.param).toBe('units')
  })
})
