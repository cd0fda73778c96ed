import { describe, expect, it } from 'vitest'
import { activate, curve, formula } from './activation-fn'
import { softmaxSteps } from './softmax-steps'

describe('activation functions', () => {
  it('compute each kind as the layers do', () => {
    expect(activate('relu', -2)).toBe(0)
    expect(activate('relu', 3)).toBe(3)
    expect(activate('relu6', 9)).toBe(6)
    expect(activate('leakyRelu', -2, 0.1)).toBeCloseTo(-0.2)
    expect(activate('leakyRelu', 2, 0.1)).toBe(2)
    expect(activate('elu', -1)).toBeCloseTo(Math.exp(-1) - 1)
    expect(activate('sigmoid', 0)).toBe(0.5)
    expect(activate('tanh', 1)).toBeCloseTo(0.7616, 4)
    expect(activate('swish', 2)).toBeCloseTo(2 / (1 + Math.exp(-2)))
    expect(activate('linear', -7)).toBe(-7)
  })

  it('refuse softmax element-wise, saying what to use', () => {
    expect(() => activate('softmax', 1)).toThrow(/softmaxSteps/)
  })

  it('sample a curve over the range and print the formula with its alpha', () => {
    const c = curve('relu', -2, 2, 4)
    expect(c).toEqual([
      [-2, 0],
      [-1, 0],
      [0, 0],
      [1, 1],
      [2, 2],
    ])
    expect(formula('leakyRelu', 0.3)).toContain('0.3·x')
  })
})

describe('softmax steps', () => {
  it('shift by the max, exponentiate, sum and divide', () => {
    const s = softmaxSteps([1, 2, 3])
    expect(s.max).toBe(3)
    expect(s.shifted).toEqual([-2, -1, 0])
    expect(s.exps[2]).toBe(1)
    expect(s.sum).toBeCloseTo(Math.exp(-2) + Math.exp(-1) + 1)
    const direct = [1, 2, 3].map((v) => Math.exp(v) / (Math.exp(1) + Math.exp(2) + Math.exp(3)))
    s.probabilities.forEach((p, i) => expect(p).toBeCloseTo(direct[i]!, 12))
  })

  it('stay finite where a direct exp would overflow', () => {
    const s = softmaxSteps([1000, 1000])
    expect(s.probabilities).toEqual([0.5, 0.5])
  })

  it('reject an empty vector', () => {
    expect(() => softmaxSteps([])).toThrow(/empty/)
  })
})
