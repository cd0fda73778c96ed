import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('Activation', () => {
  it('keeps the shape of a map or a vector for every function, without parameters', () => {
    for (const fn of ['relu', 'relu6', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'swish', 'softmax']) {
      const n = one('Activation', { fn }, [3, 3, 2])
      expect(n.outputShape).toEqual([null, 3, 3, 2])
      expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
      expect(n.macs).toBe(0)
      expect(one('Activation', { fn }, [7]).outputShape).toEqual([null, 7])
    }
  })

  it('shows the slope only for leaky relu', () => {
    expect(one('Activation', {}, [4]).summary).toBe('relu')
    expect(one('Activation', { fn: 'leakyRelu', alpha: 0.1 }, [4]).summary).toBe('leakyRelu 0.1')
    expect(one('Activation', { fn: 'tanh', alpha: 0.1 }, [4]).summary).toBe('tanh')
  })

  it('rejects linear (no layer needed) and unknown functions', () => {
    expect(one('Activation', { fn: 'linear' }, [4]).error!.param).toBe('fn')
    expect(one('Activation', { fn: 'gelu' }, [4]).error!.message).toBe(
      'Parameter \'fn\': Invalid option: expected one of "relu"|"relu6"|"leakyRelu"|"elu"|"tanh"|"sigmoid"|"swish"|"softmax" (got "gelu").',
    )
    expect(one('Activation', { fn: 'leakyRelu', alpha: -1 }, [4]).error!.param).toBe('alpha')
  })
})
