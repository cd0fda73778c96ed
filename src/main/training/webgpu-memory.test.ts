import { beforeAll, describe, expect, it } from 'vitest'
import { hyperparametersSchema } from '../../shared/api/training'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { buildModel } from '../model/build-model'
import { memorySnapshot, openSwiftShaderWebGpu } from '../tfjs/test-kit'
import { trainLoop } from './loop'
import { stripesData, stripesNet } from './test-kit'

let tf: Tfjs
beforeAll(async () => {
  tf = await openSwiftShaderWebGpu()
})

const STEPS = 6
/**
 * TF.js's pool of free GPU buffers grows until it covers a step's peak demand, then only reuses:
 * measured, it is full after step 3 (the whole-batch run needs one more 4 KiB activation buffer
 * there than in step 2) and stays so to step 12.
 */
const POOL_FULL = 3

/** A LeNet-like net: two convolutions (the first unfused), BatchNorm, pooling, Dropout, Dense. */
const net = stripesNet([
  ['conv2', 'Conv2D', { filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }],
  ['drop', 'Dropout', { rate: 0.25 }],
])

describe('training on webgpu keeps memory flat', () => {
  it.each([
    ['whole batches', 0],
    ['micro-batches', 2],
  ])(
    `%s: the tensors and GPU buffers held after step 2 are those after step ${STEPS}; the buffer pool stops growing`,
    async (_name, microBatch) => {
      const batchSize = 4
      const before = memorySnapshot(tf)
      const { model } = buildModel(tf, net, { seed: 3 })
      // after[k − 1]: after step k, read as step k + 1 starts (the guard wraps each step), the
      // last when the epoch ends.
      const after: ReturnType<typeof memorySnapshot>[] = []
      const outcome = await trainLoop(
        tf,
        model,
        stripesData({ train: STEPS * batchSize, val: 0, test: 0 }),
        hyperparametersSchema.parse({ epochs: 1, batchSize, microBatch, validationSplit: 0 }),
        { onBatch: () => {}, onEpoch: () => after.push(memorySnapshot(tf)), onCheckpoint: () => {} },
        { stopRequested: () => false, pauseRequested: () => false, waitWhilePaused: async () => {} },
        undefined,
        {
          guard: (step, at) => {
            if ('batch' in at && at.batch > 1) after.push(memorySnapshot(tf))
            return step()
          },
        },
      )
      expect(outcome.status).toBe('finished')
      expect(tf.getBackend()).toBe('webgpu')
      expect(after).toHaveLength(STEPS)
      expect(after[1].held.gpuBuffers).toBeGreaterThan(0)
      // Step 1 adds the optimizer's moments; from step 2 on nothing held may grow.
      for (let k = 3; k <= STEPS; k++)
        expect([`after step ${k}`, after[k - 1].held]).toEqual([`after step ${k}`, after[1].held])
      for (let k = POOL_FULL + 1; k <= STEPS; k++)
        expect([`after step ${k}`, after[k - 1].pooled]).toEqual([
          `after step ${k}`,
          after[POOL_FULL - 1].pooled,
        ])
      model.dispose()
      expect(memorySnapshot(tf).held.numTensors).toBe(before.held.numTensors)
    },
  )
})
