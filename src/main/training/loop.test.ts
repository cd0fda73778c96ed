import * as tfjs from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { hyperparametersSchema, type EpochMetrics, type Hyperparameters } from '../../shared/api/training'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { buildModel } from '../model/build-model'
import type { Checkpoint } from '../model/checkpoint'
import { trainLoop, type LoopControl } from './loop'
import { stripesData, stripesNet } from './test-kit'

const tf = tfjs as unknown as Tfjs
beforeAll(async () => {
  await tf.setBackend('cpu')
})

const hyper = (over: Partial<Hyperparameters> = {}) =>
  hyperparametersSchema.parse({ epochs: 3, batchSize: 32, learningRate: 0.01, ...over })

const free: LoopControl = {
  stopRequested: () => false,
  pauseRequested: () => false,
  waitWhilePaused: async () => {},
}

async function train(h: Hyperparameters, control = free, resume?: Parameters<typeof trainLoop>[6], seed = 1) {
  const { model } = buildModel(tf, stripesNet(), { seed })
  const epochs: EpochMetrics[] = []
  const checkpoints: Checkpoint[] = []
  const tensorsPerEpoch: number[] = []
  const batches: number[] = []
  const outcome = await trainLoop(
    tf,
    model,
    stripesData(),
    h,
    {
      onBatch: (b) => batches.push(b.loss),
      onEpoch: (m) => {
        epochs.push(m)
        tensorsPerEpoch.push(tf.memory().numTensors)
      },
      onCheckpoint: (c) => {
        checkpoints.push(c)
      },
    },
    control,
    resume,
  )
  model.dispose()
  return { outcome, epochs, checkpoints, tensorsPerEpoch, batches }
}

describe('trainLoop', () => {
  it('learns, reports every epoch, checkpoints every epoch and evaluates the test split', async () => {
    const r = await train(hyper({ epochs: 4 }))
    expect(r.outcome.status).toBe('finished')
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4])
    expect(r.checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3, 4])
    expect(r.epochs.at(-1)!.valAccuracy).toBeGreaterThan(0.9)
    expect(r.outcome.test!.accuracy).toBeGreaterThan(0.9)
    expect(r.epochs.at(-1)!.trainLoss).toBeLessThan(r.epochs[0].trainLoss)
    // No tensor leaks from one epoch to the next.
    expect(new Set(r.tensorsPerEpoch.slice(1)).size).toBe(1)
  })

  it('each optimizer and schedule trains', async () => {
    for (const optimizer of ['sgd', 'adam', 'adamw', 'rmsprop'] as const) {
      const r = await train(
        hyper({
          optimizer,
          learningRate: optimizer === 'sgd' ? 0.1 : 0.01,
          weightDecay: 0.01,
          schedule: 'cosine',
          warmupEpochs: 1,
          nesterov: true,
        }),
      )
      expect([optimizer, r.outcome.test!.accuracy > 0.8]).toEqual([optimizer, true])
    }
  })

  it('a run resumed from a checkpoint continues exactly as an uninterrupted one', async () => {
    const h = hyper({ epochs: 4, optimizer: 'adam' })
    const whole = await train(h)
    // Stop once two checkpoints exist, then resume from the second in a fresh model.
    const cut = await (async () => {
      const { model } = buildModel(tf, stripesNet(), { seed: 1 })
      const checkpoints: Checkpoint[] = []
      const epochs: EpochMetrics[] = []
      await trainLoop(
        tf,
        model,
        stripesData(),
        h,
        { onBatch: () => {}, onEpoch: (m) => epochs.push(m), onCheckpoint: (c) => void checkpoints.push(c) },
        { ...free, stopRequested: () => checkpoints.length >= 2 },
      )
      model.dispose()
      return { checkpoints, epochs }
    })()
    const timeless = ({ samplesPerSecond: _, ...m }: EpochMetrics) => m
    expect(cut.epochs.map(timeless)).toEqual(whole.epochs.slice(0, 2).map(timeless))
    const resumed = await train(
      h,
      free,
      {
        checkpoint: cut.checkpoints[1],
        bestValLoss: Math.min(...cut.epochs.map((e) => e.valLoss!)),
        bestEpoch: 2,
        bestValScore: cut.epochs[1].valAccuracy!,
        epochsWithoutImprovement: 0,
      },
      99,
    )
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([3, 4])
    resumed.epochs.forEach((e, i) => {
      const w = whole.epochs[i + 2]
      expect(e.trainLoss).toBeCloseTo(w.trainLoss, 5)
      expect(e.valLoss!).toBeCloseTo(w.valLoss!, 5)
    })
  })

  it('a NaN loss fails the run with a clear message and keeps the earlier checkpoints', async () => {
    // A corrupt image (a NaN pixel) in the second epoch's fifth batch.
    const data = stripesData()
    let calls = 0
    const trainBatch = data.trainBatch.bind(data)
    data.trainBatch = (indices, seed) => {
      const b = trainBatch(indices, seed)
      if (++calls === 8 + 5) b.x[3] = NaN
      return b
    }
    const { model } = buildModel(tf, stripesNet())
    const checkpoints: Checkpoint[] = []
    const outcome = await trainLoop(
      tf,
      model,
      data,
      hyper({ epochs: 3 }),
      { onBatch: () => {}, onEpoch: () => {}, onCheckpoint: (c) => void checkpoints.push(c) },
      free,
    )
    model.dispose()
    const r = { outcome }
    expect(checkpoints.map((c) => c.epoch)).toEqual([1])
    expect(r.outcome.status).toBe('failed')
    expect(r.outcome.message).toMatch(/loss became NaN at epoch 2, batch 5 .*Lower the learning rate/)
  })

  it('pauses between batches until resumed, and stops when asked', async () => {
    let pauses = 0
    let paused = false
    const r = await train(hyper({ epochs: 2 }), {
      stopRequested: () => false,
      pauseRequested: () => !paused && pauses === 0,
      waitWhilePaused: async () => {
        paused = true
        pauses++
        await new Promise((res) => setTimeout(res, 20))
      },
    })
    expect(pauses).toBe(1)
    expect(r.outcome.status).toBe('finished')
    const stopped = await train(hyper({ epochs: 3 }), { ...free, stopRequested: () => true })
    expect(stopped.outcome.status).toBe('stopped')
    expect(stopped.checkpoints).toEqual([])
  })

  it('micro-batches take the same step as the whole batch (no BatchNorm)', async () => {
    const doc = stripesNet()
    doc.nodes = doc.nodes.filter((n) => n.id !== 'bn')
    doc.edges = doc.edges.filter((e) => e.source !== 'bn' && e.target !== 'bn')
    doc.edges.push({ source: 'conv', target: 'relu', targetPort: 0 })
    const run = async (microBatch: number) => {
      const { model } = buildModel(tf, doc, { seed: 3 })
      const epochs: EpochMetrics[] = []
      await trainLoop(
        tf,
        model,
        stripesData(),
        hyper({ epochs: 1, microBatch, optimizer: 'sgd', momentum: 0 }),
        {
          onBatch: () => {},
          onEpoch: (m) => epochs.push(m),
          onCheckpoint: () => {},
        },
        free,
      )
      const w = Array.from(model.getWeights()[0].dataSync())
      model.dispose()
      return { w, loss: epochs[0].trainLoss }
    }
    const whole = await run(0)
    const micro = await run(8)
    expect(micro.loss).toBeCloseTo(whole.loss, 5)
    micro.w.forEach((v, i) => expect(v).toBeCloseTo(whole.w[i], 4))
  })
})
