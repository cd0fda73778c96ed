import { existsSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import { DEBIAN_FASHION_MNIST } from '../datasets/catalog'
import { torchDataset } from './config'
import { describeTorch, eventsOf, makeRunFolder, runTrain, tempFolder } from './train-py-kit'

/** A real run: LeNet-5 on 2,000 Fashion-MNIST images for one epoch, read from the IDX files as the app finds them. */

const here = existsSync(DEBIAN_FASHION_MNIST)
if (process.env.CNN_STUDIO_REQUIRE_FASHION_MNIST && !here)
  throw new Error(
    `${DEBIAN_FASHION_MNIST} is missing: apt-get install dataset-fashion-mnist (CI installs it).`,
  )

describeTorch('train.py on Fashion-MNIST', () => {
  it.skipIf(!here)('learns from 2,000 images in one epoch', { timeout: 60_000 }, async () => {
    // An empty data folder: the dataset is found where the app finds it (Debian's package).
    const dataset = torchDataset({ builtin: 'fashion-mnist' }, tempFolder())
    expect(dataset).toEqual({ kind: 'idx', path: DEBIAN_FASHION_MNIST, name: 'Fashion-MNIST' })
    const folder = makeRunFolder({
      model: 'lenet5',
      dataset,
      hyperparameters: {
        limit: 2000,
        epochs: 1,
        batchSize: 32,
        learningRate: 0.002,
        normalize: 'standardize',
      },
    })
    const { code, events, stderr } = await runTrain(folder, ['--checkpoints', path.join(folder, 'ckpt')])
    expect(code, stderr).toBe(0)
    expect(events[0]).toMatchObject({
      type: 'started',
      samples: { train: 1800, validation: 200, test: 10_000 },
    })
    const [epoch] = eventsOf(events, 'epoch')
    const [done] = eventsOf(events, 'done')
    // Chance is 10%; LeNet-5 passes 60% within its first 2,000 images.
    expect(epoch.valAccuracy).toBeGreaterThan(0.6)
    expect(done.test!.accuracy).toBeGreaterThan(0.6)
  })
})
