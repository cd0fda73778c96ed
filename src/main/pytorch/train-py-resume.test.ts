import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import type { Hyperparameters } from '../../shared/api/training'
import {
  describeTorch,
  eventsOf,
  makeRunFolder,
  maxWeightDifference,
  runTrain,
  type FixtureModel,
} from './train-py-kit'

/**
 * A resumed run's later epochs equal an uninterrupted run's: resumed from the uninterrupted run's first
 * checkpoint, its second epoch must end with the same weights, metrics and test result.
 */

const CASES: {
  name: string
  model: FixtureModel
  form: 'state.json' | 'checkpoints'
  h: Partial<Hyperparameters>
}[] = [
  {
    name: 'AdamW with BatchNorm, dropout, augmentation, micro-batches, cosine schedule with warm-up',
    model: 'batchnorm',
    form: 'state.json',
    h: {
      optimizer: 'adamw',
      weightDecay: 0.05,
      schedule: 'cosine',
      warmupEpochs: 0.5,
      microBatch: 5,
      flip: true,
      cropPadding: 2,
      normalize: 'standardize',
    },
  },
  {
    name: 'RMSprop with momentum, step schedule, from a checkpoints folder',
    model: 'lenet',
    form: 'checkpoints',
    h: {
      optimizer: 'rmsprop',
      momentum: 0.5,
      schedule: 'step',
      stepEpochs: 1,
      gamma: 0.5,
      learningRate: 0.003,
    },
  },
  {
    name: 'SGD with Nesterov momentum and weight decay',
    model: 'lenet',
    form: 'state.json',
    h: { optimizer: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 0.01, learningRate: 0.05 },
  },
]

describeTorch('train.py resumes exactly', () => {
  for (const { name, model, form, h } of CASES)
    it(name, async () => {
      const folder = makeRunFolder({ model, hyperparameters: { epochs: 2, ...h } })
      const args = ['--max-batches', '6']
      const straight = await runTrain(folder, [...args, '--checkpoints', path.join(folder, 'straight')])
      expect(straight.code, straight.stderr).toBe(0)
      const [first, second] = eventsOf(straight.events, 'checkpoint')

      // What the engine hands back (state.json, weights, optimizer), or train.py's own checkpoints folder.
      const from = path.join(folder, 'from')
      mkdirSync(from)
      if (form === 'state.json') {
        writeFileSync(path.join(from, 'state.json'), JSON.stringify({ epoch: 1, progress: first.progress }))
        copyFileSync(first.weights, path.join(from, 'weights.safetensors'))
        copyFileSync(first.optimizer, path.join(from, 'optimizer.safetensors'))
      } else
        for (const f of [first.weights, first.optimizer]) copyFileSync(f, path.join(from, path.basename(f)))
      const resumed = await runTrain(folder, [
        ...args,
        '--resume-from',
        from,
        '--checkpoints',
        path.join(folder, 'resumed'),
      ])
      expect(resumed.code, resumed.stderr).toBe(0)

      const [again] = eventsOf(resumed.events, 'checkpoint')
      expect(again.epoch).toBe(2)
      expect(maxWeightDifference(again.weights, second.weights)).toBeLessThan(1e-6)
      expect(again.progress).toEqual(second.progress)
      const [epoch] = eventsOf(resumed.events, 'epoch')
      const [, straightEpoch] = eventsOf(straight.events, 'epoch')
      for (const key of ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'learningRate'] as const)
        expect(epoch[key]).toBeCloseTo(straightEpoch[key] ?? NaN, 6)
      const [done] = eventsOf(resumed.events, 'done')
      expect(done.test!.loss).toBeCloseTo(eventsOf(straight.events, 'done')[0].test!.loss ?? NaN, 6)
    })
})
