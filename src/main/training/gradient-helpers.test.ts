import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import type { GraphDocument } from '../../shared/graph/document'
import { buildModel } from '../model/build-model'
import { startGradientHelpers, trainingThreads } from './gradient-helpers'
import { makeOptimizer } from './optimizer'
import { hyperparametersSchema } from '../../shared/api/training'
import { chunksOf, HelperFailedError, trainStep, type GradientHelper } from './step'
import { trainLoop } from './loop'
import { stripesData, stripesNet } from './test-kit'
import { expectClose, setUpWasm, tf } from '../tfjs/wasm-kernels/test-kit'

beforeAll(async () => {
  await setUpWasm()
  tf.env().set('IS_TEST', false) // (TF.js's per-kernel leak check misfires on custom-gradient ops)
})

const noBatchNorm = chain([
  ['in', 'Input', { height: 8, width: 8, channels: 1 }],
  ['conv', 'Conv2D', { filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }],
  ['pool', 'MaxPool2D'],
  ['flat', 'Flatten'],
  ['fc', 'Dense', { units: 2 }],
  ['out', 'Output', { classes: 2 }],
])
const data = stripesData()
const batch = {
  ...data.trainBatch(
    Uint32Array.from({ length: 48 }, (_, i) => i),
    1,
  ),
  n: 48,
}

/** Two SGD steps on `doc` (seed 1) with these helpers; the trainable weights after, and the results. */
async function twoSteps(doc: GraphDocument, helpers: GradientHelper[], microBatch = 0) {
  const { model } = buildModel(tf, doc, { seed: 1 })
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const optimizer = makeOptimizer(
    tf,
    hyperparametersSchema.parse({ optimizer: 'sgd', momentum: 0, learningRate: 0.1 }),
  )
  const splitBatch = !model.layers.some((l) => l.getClassName() === 'BatchNormalization')
  try {
    const results = []
    for (let i = 0; i < 2; i++)
      results.push(
        await trainStep(tf, model, optimizer, variables, data, batch, { microBatch, helpers, splitBatch }),
      )
    return { results, weights: variables.map((v) => v.dataSync().slice()) }
  } finally {
    optimizer.dispose()
    model.dispose()
  }
}

/** Wraps a helper, counting its steps. */
function counted(helper: GradientHelper) {
  const c = { steps: 0, helper: { ...helper } as GradientHelper }
  c.helper.gradients = (s) => {
    c.steps++
    return helper.gradients(s)
  }
  return c
}

describe('gradient helper threads', () => {
  let helpers: GradientHelper[] = []
  afterAll(async () => Promise.all(helpers.map((h) => h.dispose())))

  it('take the same step as one thread: a batch split without BatchNorm', async () => {
    await tf.setBackend('wasm')
    helpers = await startGradientHelpers(1, { document: noBatchNorm, backend: 'wasm' })
    const one = await twoSteps(noBatchNorm, [])
    const c = counted(helpers[0])
    const two = await twoSteps(noBatchNorm, [c.helper])
    expect(c.steps).toBe(2)
    one.weights.forEach((w, i) => expectClose(two.weights[i], w, 1e-5))
    two.results.forEach((r, i) => {
      expect(r.loss).toBeCloseTo(one.results[i].loss, 5)
      expect(r.correct).toBe(one.results[i].correct)
    })
    await helpers[0].dispose()
  })

  it('share micro-batches with BatchNorm, and never split a batch whose statistics would change', async () => {
    helpers = await startGradientHelpers(1, { document: stripesNet(), backend: 'wasm' })
    const c = counted(helpers[0])
    await twoSteps(stripesNet(), [c.helper])
    expect(c.steps).toBe(0) // whole batches: BatchNorm sees all 48 images here
    const one = await twoSteps(stripesNet(), [], 12)
    const two = await twoSteps(stripesNet(), [c.helper], 12)
    expect(c.steps).toBe(2)
    one.weights.forEach((w, i) => expectClose(two.weights[i], w, 1e-5))
    await helpers[0].dispose()
  })

  it('fail the step when a thread dies, and a run then goes on alone', async () => {
    const dying = () =>
      startGradientHelpers(
        1,
        { document: noBatchNorm, backend: 'wasm' },
        () =>
          new Worker(
            `const { parentPort } = require('node:worker_threads');
             parentPort.on('message', (m) => m.type === 'init' ? parentPort.postMessage({ type: 'ready' }) : process.exit(7))`,
            { eval: true },
          ),
      )
    const before = tf.memory().numTensors
    const failed = await twoSteps(noBatchNorm, await dying()).catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(HelperFailedError)
    expect((failed as Error).message).toMatch(/training thread ended unexpectedly \(exit code 7\)/)
    expect(tf.memory().numTensors).toBe(before)

    const { model } = buildModel(tf, noBatchNorm, { seed: 1 })
    const epochs: number[] = []
    const outcome = await trainLoop(
      tf,
      model,
      data,
      hyperparametersSchema.parse({ epochs: 2, batchSize: 32, learningRate: 0.01 }),
      { onBatch: () => {}, onEpoch: (m) => epochs.push(m.trainLoss), onCheckpoint: () => {} },
      { stopRequested: () => false, pauseRequested: () => false, waitWhilePaused: async () => {} },
      undefined,
      { helpers: await dying() },
    )
    model.dispose()
    expect(outcome.status).toBe('finished')
    expect(epochs).toHaveLength(2)
  })

  it('refuse to start when a thread cannot build the model', async () => {
    await expect(
      startGradientHelpers(1, { document: { ...noBatchNorm, nodes: [] }, backend: 'wasm' }),
    ).rejects.toThrow(/training thread failed/)
  })
})

describe('chunksOf and trainingThreads', () => {
  it('cuts a batch into micro-batches, or near-equal parts, or keeps it whole', () => {
    expect(chunksOf(10, 4, 3)).toEqual([
      { start: 0, size: 4 },
      { start: 4, size: 4 },
      { start: 8, size: 2 },
    ])
    expect(chunksOf(10, 0, 3)).toEqual([
      { start: 0, size: 4 },
      { start: 4, size: 4 },
      { start: 8, size: 2 },
    ])
    expect(chunksOf(10, 0, 1)).toEqual([{ start: 0, size: 10 }])
    expect(chunksOf(2, 0, 4)).toEqual([
      { start: 0, size: 1 },
      { start: 1, size: 1 },
    ])
  })

  it('uses one thread per core on single-threaded backends only, at most four, unless told', () => {
    expect(trainingThreads('tensorflow', {})).toBe(1)
    expect(trainingThreads('wasm', {})).toBeGreaterThanOrEqual(1)
    expect(trainingThreads('wasm', {})).toBeLessThanOrEqual(4)
    expect(trainingThreads('tensorflow', { CNN_STUDIO_TRAIN_THREADS: '3' })).toBe(3)
    expect(trainingThreads('wasm', { CNN_STUDIO_TRAIN_THREADS: '9' })).toBe(4)
    expect(trainingThreads('wasm', { CNN_STUDIO_TRAIN_THREADS: 'x' })).toBe(trainingThreads('wasm', {}))
    // One GPU, one trainer, whatever is asked.
    expect(trainingThreads('webgpu', { CNN_STUDIO_TRAIN_THREADS: '3' })).toBe(1)
  })
})
