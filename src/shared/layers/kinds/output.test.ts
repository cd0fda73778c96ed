import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('Output', () => {
  it('takes logits with one feature per class and gives probabilities', () => {
    const n = one('Output', { classes: 10 }, [10])
    expect(n.outputShape).toEqual([null, 10])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
    expect(n.macs).toBe(0)
    expect(n.summary).toBe('10 classes')
  })

  it('explains a class-count mismatch with both fixes', () => {
    const e = one('Output', { classes: 10 }, [1000]).error!
    expect(e.message).toBe(
      'Output expects 10 classes, but its input has 1000 features. Set the Dense before it to 10 units, or set classes to 1000.',
    )
    expect(e.param).toBe('classes')
    expect(e.fix).toEqual({ type: 'setParam', label: 'Set classes to 1000', param: 'classes', value: 1000 })
  })

  it('suggests Flatten after a map', () => {
    const e = one('Output', {}, [1, 1, 10]).error!
    expect(e.message).toBe(
      'Output needs a flat vector but its input is the 3-D map 1×1×10. Insert a Flatten (10 features) or a GlobalAvgPool2D (10 features) before it.',
    )
    expect(e.fix).toMatchObject({ type: 'insertBefore', kind: 'Flatten', port: 0 })
  })

  it('needs at least two classes', () => {
    expect(one('Output', { classes: 1 }, [1]).error!.param).toBe('classes')
  })
})
