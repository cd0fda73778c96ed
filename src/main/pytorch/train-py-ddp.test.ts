import path from 'node:path'
import { expect, it } from 'vitest'
import {
  describeTorch,
  eventsOf,
  makeRunFolder,
  maxWeightDifference,
  runTrain,
  tempFolder,
} from './train-py-kit'
import { TORCHRUN } from './torchrun-shim'

/**
 * torchrun with two processes computes the one-process steps: each global batch split between them
 * (the last, of one image, leaves the second process nothing), the same losses and the same weights.
 */

describeTorch('train.py under torchrun', () => {
  it(
    'trains as one process does, and both processes end with the same weights',
    { timeout: 60_000 },
    async () => {
      // 300 training images in batches of 23: 13 full batches (12 + 11 images per process), then one image.
      const folder = makeRunFolder({
        hyperparameters: { batchSize: 23, validationSplit: 0, microBatch: 5, weightDecay: 0.01 },
      })
      const args = ['--every-batch']
      const ranks = tempFolder()
      const [one, two] = await Promise.all([
        runTrain(folder, [...args, '--checkpoints', path.join(folder, 'one')]),
        runTrain(folder, [...args, '--checkpoints', path.join(folder, 'two')], {
          launcher: ['-c', TORCHRUN, '--standalone', '--nproc_per_node', '2'],
          env: { CNN_STUDIO_TRAIN_RANK_WEIGHTS: ranks },
        }),
      ])
      expect(one.code, one.stderr).toBe(0)
      expect(two.code, two.stderr).toBe(0)
      expect(two.events[0]).toMatchObject({ type: 'started', processes: 2, distributed: 'gloo' })
      const losses = (events: typeof one.events) => eventsOf(events, 'batch').map((b) => [b.batch, b.loss])
      expect(losses(two.events).map(([b]) => b)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1))
      losses(two.events).forEach(([, loss], i) =>
        expect(Math.abs(loss - losses(one.events)[i][1])).toBeLessThan(1e-5),
      )
      const [a, b] = [eventsOf(one.events, 'checkpoint')[0], eventsOf(two.events, 'checkpoint')[0]]
      expect(maxWeightDifference(a.weights, b.weights)).toBeLessThan(1e-5)
      expect(
        maxWeightDifference(path.join(ranks, 'rank-0.safetensors'), path.join(ranks, 'rank-1.safetensors')),
      ).toBe(0)
      // The test split is evaluated in two halves, summed over the processes.
      expect(eventsOf(two.events, 'done')[0].test!.loss).toBeCloseTo(
        eventsOf(one.events, 'done')[0].test!.loss ?? NaN,
        5,
      )
    },
  )
})
