import { describe, expect, it } from 'vitest'
import { hyperparametersSchema } from '../../shared/api/training'
import { learningRateAt } from './schedule'

const h = (over: Partial<ReturnType<typeof hyperparametersSchema.parse>>) =>
  hyperparametersSchema.parse({ learningRate: 0.1, epochs: 10, ...over })

describe('learningRateAt', () => {
  it('constant stays at the learning rate', () => {
    expect([0, 3.5, 9.99].map((t) => learningRateAt(h({}), t))).toEqual([0.1, 0.1, 0.1])
  })

  it('step divides by 1/gamma every stepEpochs', () => {
    const s = h({ schedule: 'step', stepEpochs: 3, gamma: 0.5 })
    expect([0, 2.9, 3, 6.5].map((t) => learningRateAt(s, t))).toEqual([0.1, 0.1, 0.05, 0.025])
  })

  it('exponential multiplies by gamma each epoch', () => {
    const s = h({ schedule: 'exponential', gamma: 0.9 })
    expect(learningRateAt(s, 2.5)).toBeCloseTo(0.1 * 0.81)
  })

  it('cosine falls from the rate to 0 over the epochs after warm-up', () => {
    const s = h({ schedule: 'cosine', warmupEpochs: 2 })
    expect(learningRateAt(s, 2)).toBeCloseTo(0.1)
    expect(learningRateAt(s, 6)).toBeCloseTo(0.05)
    expect(learningRateAt(s, 10)).toBeCloseTo(0)
  })

  it('warm-up rises linearly, never to exactly 0', () => {
    const s = h({ warmupEpochs: 2 })
    expect(learningRateAt(s, 1)).toBeCloseTo(0.05)
    expect(learningRateAt(s, 0)).toBeGreaterThan(0)
    expect(learningRateAt(s, 2)).toBe(0.1)
  })
})
