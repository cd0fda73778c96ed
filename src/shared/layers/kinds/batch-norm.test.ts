import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('BatchNorm', () => {
  it('counts γ and β as trainable and the moving statistics as non-trainable (Keras)', () => {
    // keras.layers.BatchNormalization() on 56×56×64: 256 params, 128 of them non-trainable
    const n = one('BatchNorm', {}, [56, 56, 64])
    expect(n.outputShape).toEqual([null, 56, 56, 64])
    expect(n.params).toEqual({ trainable: 128, nonTrainable: 128 })
    expect(n.macs).toBe(0)
    expect(n.summary).toBe('ε 0.001')
  })

  it('normalises the last axis of a vector too, and drops γ or β when asked', () => {
    expect(one('BatchNorm', {}, [120]).params).toEqual({ trainable: 240, nonTrainable: 240 })
    expect(one('BatchNorm', { center: false }, [10]).params).toEqual({ trainable: 10, nonTrainable: 20 })
    expect(one('BatchNorm', { center: false, scale: false }, [4, 4, 8]).params).toEqual({
      trainable: 0,
      nonTrainable: 16,
    })
  })

  it('validates epsilon and momentum', () => {
    expect(one('BatchNorm', { momentum: 1 }, [4]).error).toEqual({
      message: "Parameter 'momentum': Too big: expected number to be <1 (got 1).",
      param: 'momentum',
    })
    expect(one('BatchNorm', { momentum: 0 }, [4]).error!.param).toBe('momentum')
    expect(one('BatchNorm', { epsilon: 0 }, [4]).error).toEqual({
      message: "Parameter 'epsilon': Too small: expected number to be >0 (got 0).",
      param: 'epsilon',
    })
    // PyTorch's momentum 0.1 is Keras' 0.9
    expect(one('BatchNorm', { momentum: 0.9, epsilon: 1e-5 }, [4]).status).toBe('ok')
  })
})
