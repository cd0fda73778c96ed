import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import type { BatchProgress, EpochMetrics } from '../../shared/api/training'
import { pngBytes } from '../datasets/test-kit'
import {
  describeTorch,
  eventsOf,
  makeRunFolder,
  maxWeightDifference,
  readSafetensors,
  runTrain,
  tempFolder,
  TORCH_PYTHON,
} from './train-py-kit'

/** train.py's JSON lines, its checkpoints, and how it ends: finished, early-stopped, failed. */

describeTorch('train.py runs and reports', () => {
  it('prints every event as docs/pytorch.md describes, and writes loadable checkpoints', async () => {
    const folder = makeRunFolder({
      model: 'batchnorm',
      hyperparameters: {
        epochs: 2,
        optimizer: 'adamw',
        weightDecay: 0.01,
        microBatch: 6,
        normalize: 'standardize',
        flip: true,
        cropPadding: 1,
      },
    })
    const ckpt = path.join(folder, 'ckpt')
    const { code, events, stderr } = await runTrain(folder, ['--checkpoints', ckpt])
    expect(code, stderr).toBe(0)
    expect(events.map((e) => e.type).filter((t) => t !== 'batch')).toEqual([
      'started',
      'epoch',
      'checkpoint',
      'epoch',
      'checkpoint',
      'done',
    ])
    expect(events[0]).toMatchObject({
      type: 'started',
      device: 'cpu',
      processes: 1,
      distributed: null,
      threads: 1,
      samples: { train: 270, validation: 30, test: 60 },
    })
    const batches = eventsOf(events, 'batch')
    // The last batch of each epoch is always reported, the steps counted from the run's start.
    expect(batches.filter((b) => b.batch === b.batches).map((b) => [b.epoch, b.step])).toEqual([
      [1, 17],
      [2, 34],
    ])
    const { type: _batch, ...progress } = batches[0]
    const asApp: Omit<BatchProgress, 'runId'> = progress
    expect(asApp.loss).toBeGreaterThan(0)
    for (const e of eventsOf(events, 'epoch')) {
      const { type: _epoch, ...metrics } = e
      const asAppEpoch: EpochMetrics = metrics as EpochMetrics
      expect(asAppEpoch.valLoss).toBeGreaterThan(0)
      expect(asAppEpoch.learningRate).toBe(0.01)
    }
    const checkpoints = eventsOf(events, 'checkpoint')
    expect(checkpoints.map((c) => [c.epoch, c.progress.epochsWithoutImprovement >= 0])).toEqual([
      [1, true],
      [2, true],
    ])
    expect(checkpoints[0]).toMatchObject({ isBest: true, progress: { bestEpoch: 1 } })
    for (const c of checkpoints) {
      expect(c.weights).toBe(path.join(ckpt, `epoch-${c.epoch}.safetensors`))
      const weights = readSafetensors(c.weights)
      expect(Object.keys(weights.tensors)).toContain('bn1.running_mean')
      // Counted per forward: 17 batches of three micro-batches.
      expect(weights.tensors['bn1.num_batches_tracked']).toMatchObject({
        dtype: 'I64',
        values: [51 * c.epoch],
      })
      expect(JSON.parse(weights.metadata.progress)).toEqual(c.progress)
      const optimizer = readSafetensors(c.optimizer)
      expect(optimizer.tensors['state.0.step']).toMatchObject({ dtype: 'F32', values: [17 * c.epoch] })
      expect(Object.keys(optimizer.tensors)).toContain('state.0.exp_avg_sq')
      expect(JSON.parse(optimizer.metadata.param_groups)[0]).toMatchObject({ eps: 1e-7, betas: [0.9, 0.999] })
    }
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'finished', message: null })
    expect(eventsOf(events, 'done')[0].test!.accuracy).toBeGreaterThan(0.5)
  })

  it('stops early with the app’s message and tests the best epoch', async () => {
    // A learning rate that changes no weight: the validation loss never improves after epoch 1.
    const folder = makeRunFolder({
      hyperparameters: { epochs: 5, patience: 1, optimizer: 'sgd', momentum: 0, learningRate: 1e-30 },
    })
    const { code, events } = await runTrain(folder, ['--checkpoints', path.join(folder, 'ckpt')])
    expect(code).toBe(0)
    const epochs = eventsOf(events, 'epoch')
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2])
    expect(eventsOf(events, 'checkpoint').map((c) => c.isBest)).toEqual([true, false])
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      status: 'finished',
      message: 'Early stopping: the validation loss did not improve for 1 epochs.',
    })
  })

  it('starts from --weights when asked', async () => {
    const folder = makeRunFolder()
    const trained = await runTrain(folder, ['--checkpoints', path.join(folder, 'a')])
    const [weights] = eventsOf(trained.events, 'checkpoint')
    // A learning rate that changes nothing: the epoch evaluates the given weights.
    const still = ['--optimizer', 'sgd', '--momentum', '0', '--lr', '1e-30']
    const again = await runTrain(folder, [
      ...still,
      '--weights',
      weights.weights,
      '--checkpoints',
      path.join(folder, 'b'),
    ])
    expect(again.code, again.stderr).toBe(0)
    expect(eventsOf(again.events, 'epoch')[0].valLoss).toBe(eventsOf(trained.events, 'epoch')[0].valLoss)
    expect(maxWeightDifference(eventsOf(again.events, 'checkpoint')[0].weights, weights.weights)).toBe(0)
  })

  it('ends a run whose loss is no longer finite as failed, with the app’s message', async () => {
    const folder = makeRunFolder({
      model: 'linear',
      hyperparameters: { epochs: 3, optimizer: 'sgd', momentum: 0.9, learningRate: 10 },
    })
    const ckpt = path.join(folder, 'ckpt')
    const { code, events, stderr } = await runTrain(folder, ['--checkpoints', ckpt])
    const done = eventsOf(events, 'done')[0]
    expect(done).toMatchObject({ status: 'failed', test: null })
    expect(done.message).toMatch(
      /^The training loss became (NaN|-?Infinity) at epoch \d+, batch \d+ \(learning rate 10\.0\)\. Lower the learning rate, add BatchNorm, or check the data; the checkpoints of earlier epochs are kept\.$/,
    )
    expect(code).toBe(1)
    expect(stderr).toContain(done.message)
    // The epochs before it were checkpointed and stay.
    for (const c of eventsOf(events, 'checkpoint')) expect(existsSync(c.weights)).toBe(true)
  })

  it('says which dataset file is missing, on stderr and in a failed done', async () => {
    const empty = tempFolder()
    const folder = makeRunFolder({ dataset: { kind: 'idx', path: empty, name: 'Fashion-MNIST' } })
    const { code, events, stderr } = await runTrain(folder, [])
    const message =
      `${path.join(empty, 'train-images-idx3-ubyte.gz')} is missing (looked for train-images-idx3-ubyte.gz, ` +
      'train-images-idx3-ubyte, train-images.idx3-ubyte.gz, train-images.idx3-ubyte). Fashion-MNIST needs the four ' +
      'files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, ' +
      't10k-labels-idx1-ubyte.gz (gzipped or not) in one folder.'
    expect(events).toEqual([{ type: 'done', status: 'failed', message, test: null }])
    expect(stderr).toContain(message)
    expect(code).toBe(1)
  })

  it('reads an image folder with Pillow or torchvision, or says how to get them', async () => {
    const root = tempFolder()
    ;['left', 'middle', 'right'].forEach((name, label) => {
      mkdirSync(path.join(root, name))
      for (let i = 0; i < 12; i++)
        writeFileSync(
          path.join(root, name, `${i}.png`),
          pngBytes(12, 12, (x) => (Math.floor(x / 4) === label ? [220, 220, 220, 255] : [30, 30, 30, 255])),
        )
    })
    const folder = makeRunFolder({ dataset: { kind: 'folder', path: root, name: 'thirds' } })
    const { code, events } = await runTrain(folder, ['--checkpoints', path.join(folder, 'ckpt')])
    const decoder = ['PIL', 'torchvision'].some(
      (m) => spawnSync(TORCH_PYTHON!, ['-c', `import ${m}`]).status === 0,
    )
    if (decoder) {
      expect(code).toBe(0)
      // A sixth of each class held out as the test split, as the app does without a test/ folder.
      expect(events[0]).toMatchObject({ type: 'started', samples: { train: 27, validation: 3, test: 6 } })
    } else {
      expect(code).toBe(1)
      expect(events).toEqual([
        {
          type: 'done',
          status: 'failed',
          message:
            'Reading an image folder needs Pillow or torchvision, and neither is installed here: pip install pillow ' +
            "(or apt-get install python3-pil), or train with CNN Studio's own engine, which reads image folders itself.",
          test: null,
        },
      ])
    }
  })

  it('refuses a hyperparameter out of range with exit status 2', async () => {
    const { code, events } = await runTrain(makeRunFolder(), ['--epochs', '0'])
    expect(code).toBe(2)
    expect(events).toEqual([
      {
        type: 'done',
        status: 'failed',
        message: '--epochs: epochs must be an integer from 1 to 10000; got 0.',
        test: null,
      },
    ])
  })
})
