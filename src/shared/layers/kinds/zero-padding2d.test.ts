import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('ZeroPadding2D', () => {
  it('pads one pixel on each side by default, without parameters', () => {
    const n = one('ZeroPadding2D', {}, [5, 5, 3])
    expect(n.outputShape).toEqual([null, 7, 7, 3])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
    expect(n.macs).toBe(0)
    expect(n.summary).toBe('pad 1')
  })

  it('takes asymmetric padding (Keras MobileNet: ((0, 1), (0, 1)) on 224 → 225)', () => {
    const n = one('ZeroPadding2D', { padding: { top: 0, bottom: 1, left: 0, right: 1 } }, [224, 224, 3])
    expect(n.outputShape).toEqual([null, 225, 225, 3])
    expect(n.summary).toBe('pad 0,1,0,1')
    expect(
      one('ZeroPadding2D', { padding: { top: 2, bottom: 0, left: 1, right: 3 } }, [4, 4, 1]).outputShape,
    ).toEqual([null, 6, 8, 1])
  })

  it('reads a single number as the same padding on every side (ResNet stem: 3)', () => {
    expect(one('ZeroPadding2D', { padding: 3 }, [224, 224, 3]).outputShape).toEqual([null, 230, 230, 3])
  })

  it('refuses a flat input and negative padding', () => {
    expect(one('ZeroPadding2D', {}, [4]).error!.message).toMatch(
      /^ZeroPadding2D needs a 4-D feature map \(height×width×channels\) but its input is 4 \(1-D\)\./,
    )
    expect(one('ZeroPadding2D', { padding: -1 }, [4, 4, 1]).error!.param).toBe('padding')
  })
})
