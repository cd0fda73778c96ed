import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hyperparametersSchema, type Hyperparameters } from '../../shared/api/training'
import { chain } from '../../shared/graph/test-kit'
import { buildModel } from '../model/build-model'
import type { Checkpoint, RunProgress } from '../model/checkpoint'
import { loadBackend, type LoadedBackend } from '../tfjs/backends'
import { useSwiftShader } from '../tfjs/test-kit'
import { adapterName } from '../../shared/training/gpu-adapter'
import { deviceLost, outOfMemory, webgpuGuard } from './gpu-errors'
import { trainLoop, type LoopControl, type LoopEvents } from './loop'
import { stripesData } from './test-kit'

useSwiftShader()

const h = (p: Partial<Hyperparameters> = {}) =>
  hyperparametersSchema.parse({ validationSplit: 0, learningRate: 0.01, ...p })
const GPU = 'Radeon RX 7600 (amd rdna-3)'

describe('outOfMemory', () => {
  it('names the batch, the GPU and where, and halves the batch', () => {
    expect(outOfMemory(GPU, h({ batchSize: 256 }), { epoch: 1, batch: 1 })).toBe(
      'GPU out of memory at batch 256 on Radeon RX 7600 (amd rdna-3), at epoch 1, batch 1: ' +
        'try 128, or micro-batches of 128 (the same step in less memory).',
    )
  })

  it('says the checkpoints of earlier epochs are kept only where there are some', () => {
    expect(outOfMemory(GPU, h({ batchSize: 64 }), { epoch: 3, batch: 7 })).toMatch(
      /at epoch 3, batch 7: try 32, .*\. The checkpoints of earlier epochs are kept\.$/,
    )
    expect(outOfMemory(GPU, h({ batchSize: 64 }), { epoch: 1, evaluating: 'val' })).toMatch(
      /, evaluating the validation images of epoch 1: try 32, [^.]*\)\.$/,
    )
    expect(outOfMemory(GPU, h({ batchSize: 64 }), { epoch: 4, evaluating: 'test' })).toMatch(
      /, evaluating the test images: try 32, .* The checkpoints of earlier epochs are kept\.$/,
    )
  })

  it('with micro-batches, halves them', () => {
    expect(outOfMemory(GPU, h({ batchSize: 256, microBatch: 32 }), { epoch: 2, batch: 1 })).toBe(
      'GPU out of memory at micro-batches of 32 (batch 256) on Radeon RX 7600 (amd rdna-3), at epoch 2, batch 1: ' +
        'try micro-batches of 16. The checkpoints of earlier epochs are kept.',
    )
    // A micro-batch as large as the batch is no micro-batch.
    expect(outOfMemory(GPU, h({ batchSize: 8, microBatch: 8 }), { epoch: 1, batch: 1 })).toMatch(
      /^GPU out of memory at batch 8 on .*: try 4, or micro-batches of 4/,
    )
  })

  it('at one image, says what else to change', () => {
    for (const p of [{ batchSize: 1 }, { batchSize: 16, microBatch: 1 }])
      expect(outOfMemory(GPU, h(p), { epoch: 1, batch: 1 })).toMatch(
        /: not even one image fits: make the largest layers smaller, or train on another backend\.$/,
      )
  })
})

describe('deviceLost', () => {
  it('quotes the driver, and says whether the run resumes from a checkpoint or from the start', () => {
    expect(
      deviceLost(GPU, { reason: 'unknown', message: 'VK_ERROR_DEVICE_LOST' }, { epoch: 2, batch: 3 }),
    ).toBe(
      'The GPU Radeon RX 7600 (amd rdna-3) was lost at epoch 2, batch 3 (VK_ERROR_DEVICE_LOST). The checkpoints of ' +
        'earlier epochs are kept: resume the run to continue from the last one, on this GPU once it is back or on any other backend.',
    )
    expect(deviceLost(GPU, { reason: 'unknown', message: '' }, { epoch: 1, batch: 1 })).toBe(
      'The GPU Radeon RX 7600 (amd rdna-3) was lost at epoch 1, batch 1 (the driver gave no reason). No epoch had ' +
        'finished: resume the run to start it again, on this GPU once it is back or on any other backend.',
    )
  })
})

/**
 * The guard on a real WebGPU device: SwiftShader (Vulkan on the CPU), so tiny graphs only (a batch
 * of LeNet-5 takes seconds there).
 */
describe('webgpuGuard on SwiftShader', () => {
  let gpu: LoadedBackend
  beforeAll(async () => {
    gpu = await loadBackend({ force: 'webgpu' })
  })
  afterAll(() => {
    // The device may be destroyed: a later loadBackend makes a new one.
    gpu.tf.removeBackend('webgpu')
  })

  const free: LoopControl = {
    stopRequested: () => false,
    pauseRequested: () => false,
    waitWhilePaused: async () => {},
  }
  const recorder = (checkpoints: Checkpoint[], progress: RunProgress[] = []): LoopEvents => ({
    onBatch: () => {},
    onEpoch: () => {},
    onCheckpoint: (c, p) => {
      checkpoints.push(c)
      progress.push(p)
    },
  })

  it('a real out-of-memory after a checkpoint fails the run with the batch to try, the checkpoint kept', async () => {
    // One 1×1 convolution with 64 filters over 32×32 images: 256 KiB of output per image. At
    // batch 4096 that is one tensor of exactly 1 GiB, SwiftShader's maxStorageBufferBindingSize, so
    // the resource check lets it through; yet SwiftShader cannot allocate a buffer of its whole
    // limit (Dawn asks for a little more): a real GPUOutOfMemoryError. The kernels that would use
    // it never run (their buffers are invalid), so the failed step is cheap; the epoch before it
    // trains at batch 1.
    const doc = chain([
      ['in', 'Input', { height: 32, width: 32, channels: 1 }],
      ['conv', 'Conv2D', { filters: 64, kernelSize: 1 }],
      ['pool', 'GlobalMaxPool2D'],
      ['fc', 'Dense', { units: 2 }],
      ['out', 'Output', { classes: 2 }],
    ])
    const { model } = buildModel(gpu.tf, doc, { seed: 1 })
    const small = h({ batchSize: 1, epochs: 2 })
    const checkpoints: Checkpoint[] = []
    const progress: RunProgress[] = []
    const first = await trainLoop(
      gpu.tf,
      model,
      stripesData({ train: 1, val: 0, test: 0 }, 1, 32),
      small,
      recorder(checkpoints, progress),
      { ...free, stopRequested: () => checkpoints.length > 0 },
      undefined,
      { guard: webgpuGuard(gpu.gpuDevice!, gpu.adapter!, small) },
    )
    expect(first.status).toBe('stopped')
    expect(checkpoints.map((c) => c.epoch)).toEqual([1])

    // Resumed from that checkpoint at batch 4096 (as on a smaller GPU than the one that trained it).
    const large = h({ batchSize: 4096, epochs: 2 })
    const second = await trainLoop(
      gpu.tf,
      model,
      stripesData({ train: 4096, val: 0, test: 0 }, 1, 32),
      large,
      recorder(checkpoints),
      free,
      { checkpoint: checkpoints[0], ...progress[0] },
      { guard: webgpuGuard(gpu.gpuDevice!, gpu.adapter!, large) },
    )
    model.dispose()
    expect(second).toEqual({
      status: 'failed',
      message:
        `GPU out of memory at batch 4096 on ${adapterName(gpu.adapter!)}, at epoch 2, batch 1: try 2048, ` +
        'or micro-batches of 2048 (the same step in less memory). The checkpoints of earlier epochs are kept.',
      test: null,
      // The same batch would run out again: a new run with a smaller one is the way on.
      resumable: false,
    })
    expect(checkpoints.map((c) => c.epoch)).toEqual([1])
    // The error scopes were all popped: the device still trains.
    const y = gpu.tf.add(gpu.tf.scalar(1), gpu.tf.scalar(2))
    expect(await y.data()).toEqual(new Float32Array([3]))
    y.dispose()
  }, 60_000)

  it('a device destroyed during a step or between epochs fails the run as resumable, saying it was lost', async () => {
    const doc = chain([
      ['in', 'Input', { height: 8, width: 8, channels: 1 }],
      ['flat', 'Flatten'],
      ['fc', 'Dense', { units: 2 }],
      ['out', 'Output', { classes: 2 }],
    ])
    const hp = h({ batchSize: 8, epochs: 3 })
    // What a driver reset or an unplugged GPU does to the device, here by the test's own hand: in
    // the middle of epoch 2's first step (its reads then fail), or right after epoch 1's checkpoint.
    const lose = async (when: 'during a step' | 'between epochs') => {
      // A fresh device each time (the one before may be destroyed).
      const { tf, adapter, gpuDevice } = await loadBackend({ force: 'webgpu' })
      const device = gpuDevice!
      const { model } = buildModel(tf, doc, { seed: 1 })
      const checkpoints: Checkpoint[] = []
      const guard = webgpuGuard(device, adapter!, hp)
      let steps = 0
      const outcome = await trainLoop(
        tf,
        model,
        stripesData({ train: 16, val: 0, test: 8 }),
        hp,
        {
          ...recorder(checkpoints),
          onCheckpoint: (c) => {
            checkpoints.push(c)
            if (when === 'between epochs') device.destroy()
          },
        },
        free,
        undefined,
        {
          guard: (step, at) =>
            guard(async () => {
              const result = step()
              if (++steps === 3 && when === 'during a step') device.destroy()
              return result
            }, at),
        },
      )
      return { outcome, checkpoints: checkpoints.map((c) => c.epoch) }
    }
    for (const when of ['during a step', 'between epochs'] as const)
      expect(await lose(when), when).toEqual({
        outcome: {
          status: 'failed',
          message: expect.stringMatching(
            new RegExp(
              `^The GPU ${escape(adapterName(gpu.adapter!))} was lost at epoch 2, batch 1 \\(.+\\)\\. The checkpoints of earlier epochs are kept: resume the run`,
            ),
          ),
          test: null,
          resumable: true,
        },
        checkpoints: [1],
      })
  })
})

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
