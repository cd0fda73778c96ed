import { describe, expect, it } from 'vitest'
import { one } from '../test-util'

describe('BatchNorm', () => {
  it('counts γ and β as trainable and the moving statistics as non-trainable (Keras)', () => {
    const n = one('BatchNorm', {}, [56, 56, 64])
    expect(n.outputShape).toEqual([null, 56, 56, 64])
    expect(n.params).toEqual({ trainable: 128, nonTrainable: 128 })
    expect(n.macs).toBe(0)
    expect(one('BatchNorm', { center: false }, [10]).params).toEqual({ trainable: 10, nonTrainable: 20 })
  })

  it('validates epsilon and momentum', () => {
    expect(one('BatchNorm', { momentum: 1 }, [4]).error!.param).toBe('momentum')
    expect(one('BatchNorm', { epsilon: 0 }, [4]).error!.param).toBe('epsilon')
  })
})

describe('LocalResponseNorm', () => {
  it('keeps the shape and insists on an odd size', () => {
    expect(one('LocalResponseNorm', {}, [27, 27, 96]).outputShape).toEqual([null, 27, 27, 96])
    const e = one('LocalResponseNorm', { size: 4 }, [27, 27, 96]).error!
    expect(e.message).toBe(
      'LocalResponseNorm needs an odd size (a window centred on each channel), got 4. Use 5.',
    )
    expect(e.fix).toMatchObject({ type: 'setParam', param: 'size', value: 5 })
  })
})

describe('Activation', () => {
  it('keeps the shape for every function and rejects an unknown one', () => {
    for (const fn of ['relu', 'relu6', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'swish', 'softmax'])
      expect(one('Activation', { fn }, [3, 3, 2]).outputShape).toEqual([null, 3, 3, 2])
    expect(one('Activation', { fn: 'gelu' }, [4]).error!.param).toBe('fn')
  })
})
