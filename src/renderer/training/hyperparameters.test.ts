import { describe, expect, it } from 'vitest'
import { hyperparametersSchema } from '../../shared/api/training'
import {
  HYPERPARAMETER_DEFAULTS,
  HYPERPARAMETER_FIELDS,
  isApplicable,
  readHyperparameters,
  valuesOf,
} from './hyperparameters'

describe('hyperparameter form', () => {
  it('has one field per schema key, in its order, with the kinds of control the schema implies', () => {
    expect(HYPERPARAMETER_FIELDS.map((f) => f.key)).toEqual(Object.keys(hyperparametersSchema.shape))
    const kinds = Object.fromEntries(HYPERPARAMETER_FIELDS.map((f) => [f.key, f.type]))
    expect(kinds).toMatchObject({
      epochs: 'integer',
      learningRate: 'number',
      optimizer: 'enum',
      nesterov: 'boolean',
      normalize: 'enum',
    })
    expect(HYPERPARAMETER_FIELDS.find((f) => f.key === 'optimizer')).toMatchObject({
      options: ['sgd', 'adam', 'adamw', 'rmsprop'],
      label: 'Optimizer',
    })
  })

  it('reads the defaults back unchanged', () => {
    expect(readHyperparameters(valuesOf())).toEqual({
      ok: true,
      hyperparameters: HYPERPARAMETER_DEFAULTS,
      errors: {},
    })
  })

  it('explains each refused value in the words of its bound', () => {
    const r = readHyperparameters({
      ...valuesOf(),
      optimizer: 'sgd',
      epochs: '0',
      batchSize: '2.5',
      learningRate: '0',
      momentum: '1',
      validationSplit: '0.7',
      seed: 'x',
    })
    expect(r.ok).toBe(false)
    expect(r.errors).toEqual({
      epochs: 'Must be at least 1.',
      batchSize: 'Must be a whole number.',
      learningRate: 'Must be more than 0.',
      momentum: 'Must be less than 1.',
      validationSplit: 'Must be at most 0.5.',
      seed: 'Enter a number.',
    })
    // In the form's order.
    expect(Object.keys(r.errors)).toEqual([
      'epochs',
      'batchSize',
      'learningRate',
      'momentum',
      'validationSplit',
      'seed',
    ])
  })

  it('fields that do not apply take their defaults', () => {
    const values = { ...valuesOf(), optimizer: 'adam', momentum: '5', schedule: 'cosine', gamma: '-1' }
    expect(isApplicable('momentum', values)).toBe(false)
    expect(isApplicable('gamma', values)).toBe(false)
    expect(readHyperparameters(values)).toMatchObject({
      ok: true,
      hyperparameters: { momentum: 0.9, gamma: 0.1, schedule: 'cosine' },
    })
    expect(isApplicable('nesterov', { ...values, optimizer: 'sgd' })).toBe(true)
    expect(isApplicable('nesterov', { ...values, optimizer: 'rmsprop' })).toBe(false)
    expect(isApplicable('momentum', { ...values, optimizer: 'rmsprop' })).toBe(true)
    expect(isApplicable('stepEpochs', { ...values, schedule: 'step' })).toBe(true)
    expect(isApplicable('gamma', { ...values, schedule: 'exponential' })).toBe(true)
  })
})
