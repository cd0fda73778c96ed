import { describe, expect, it } from 'vitest'
import { one } from '../test-util'

describe('Output', () => {
  it('takes logits with one feature per class', () => {
    const n = one('Output', { classes: 10 }, [10])
    expect(n.outputShape).toEqual([null, 10])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
  })

  it('explains a class-count mismatch with both fixes', () => {
    const e = one('Output', { classes: 10 }, [1000]).error!
    expect(e.message).toBe(
      'Output expects 10 classes, but its input has 1000 features. Set the Dense before it to 10 units, or set classes to 1000.',
    )
    expect(e.fix).toEqual({ type: 'setParam', label: 'Set classes to 1000', param: 'classes', value: 1000 })
  })

  it('suggests Flatten after a map', () => {
    expect(one('Output', {}, [1, 1, 10]).error!.fix).toMatchObject({ kind: 'Flatten' })
  })
})

describe('Input', () => {
  it('gives an NHWC shape with an open batch', () => {
    expect(one('Input', { height: 32, width: 24, channels: 3 }).outputShape).toEqual([null, 32, 24, 3])
  })
})
