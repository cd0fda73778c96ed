import { describe, expect, it } from 'vitest'
import { hyperparametersSchema } from '../api/training'
import { differingHyperparameters } from './hyperparameter-diff'

const DEFAULTS = hyperparametersSchema.parse({})

describe('differingHyperparameters', () => {
  it('names every key whose values differ among the runs, in the schema order', () => {
    const runs = [
      { ...DEFAULTS, learningRate: 0.01, seed: 3 },
      { ...DEFAULTS, learningRate: 0.01, flip: true },
      { ...DEFAULTS, learningRate: 0.01, normalize: 'standardize' as const },
    ]
    expect(differingHyperparameters(runs)).toEqual(['flip', 'normalize', 'seed'])
  })

  it('finds a difference in one run of many, booleans and zero included', () => {
    expect(differingHyperparameters([DEFAULTS, DEFAULTS, { ...DEFAULTS, weightDecay: 0.0001 }])).toEqual([
      'weightDecay',
    ])
    expect(differingHyperparameters([{ ...DEFAULTS, nesterov: true }, DEFAULTS])).toEqual(['nesterov'])
  })

  it('finds nothing among identical runs, or with fewer than two', () => {
    expect(differingHyperparameters([DEFAULTS, { ...DEFAULTS }])).toEqual([])
    expect(differingHyperparameters([{ ...DEFAULTS, epochs: 99 }])).toEqual([])
    expect(differingHyperparameters([])).toEqual([])
  })
})
