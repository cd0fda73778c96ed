import { afterEach, describe, expect, it } from 'vitest'
import { chain } from '../../src/shared/graph/test-kit'
import { writeHalvesFolder } from '../../src/main/datasets/test-kit'
import { tempDir } from '../../src/main/db/test-kit'
import { gpuLosingWorker, projectWith, servicesWithEvents } from '../../src/main/services/test-kit'
import { useSwiftShader } from '../../src/main/tfjs/test-kit'
import { adapterName } from '../../src/shared/training/gpu-adapter'
import { probeAdapter } from '../../src/main/tfjs/webgpu'
import { cli, jsonLines } from './fault-test-kit'

/**
 * The webgpu backend's faults through the training service, its worker thread and the database,
 * on a real WebGPU device: SwiftShader (Vulkan on the CPU: slow, so tiny graphs and datasets). A
 * batch that cannot fit is refused before a run exists; one that runs out of GPU memory anyway
 * fails the run with the batch to try; a lost GPU fails it as resumable, and it goes on on wasm; a
 * webgpu that cannot load is refused with Dawn's reason.
 */
useSwiftShader()
const GPU = (() => {
  const probe = probeAdapter()
  if (!('adapter' in probe)) throw new Error(`SwiftShader gave no adapter: ${probe.reason}`)
  return adapterName(probe.adapter)
})()
const NO_DRIVER = { VK_ICD_FILENAMES: '/nonexistent/vulkan-icd.json' }

/**
 * 64×64 grey images through a 1×1 convolution of 8,192 filters: 128 MiB of output per image, so
 * 1 GiB at batch 8, SwiftShader's maxStorageBufferBindingSize. Global max pooling keeps the rest tiny.
 */
const wide = chain([
  ['in', 'Input', { height: 64, width: 64, channels: 1 }],
  ['conv', 'Conv2D', { filters: 8192, kernelSize: 1 }],
  ['pool', 'GlobalMaxPool2D'],
  ['fc', 'Dense', { units: 2 }],
  ['out', 'Output', { classes: 2 }],
])
const tiny = chain([
  ['in', 'Input', { height: 8, width: 8, channels: 1 }],
  ['flat', 'Flatten'],
  ['fc', 'Dense', { units: 2 }],
  ['out', 'Output', { classes: 2 }],
])

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()))
})

function setup(options: Parameters<typeof servicesWithEvents>[0] = {}) {
  const s = servicesWithEvents(options)
  closers.push(() => s.services.close())
  return s
}

describe('webgpu faults, on SwiftShader', () => {
  it('a batch whose largest layer output cannot be one buffer is refused before a run is written', async () => {
    const { services } = setup()
    const folder = writeHalvesFolder(tempDir('cnn-studio-wide-'), { side: 64, train: 4, test: 1 })
    const projectId = await projectWith(services, 'wide', wide)
    const start = async (h: { batchSize: number; microBatch?: number }) =>
      services['training.start']({
        projectId,
        dataset: { folder },
        hyperparameters: { validationSplit: 0, ...h },
        backend: 'webgpu',
      })
    await expect(start({ batchSize: 16 })).rejects.toMatchObject({
      code: 'invalid',
      message:
        `At batch 16 the output of layer 'conv' is 2 GiB, more than one tensor may hold on the GPU ${GPU} ` +
        '(1 GiB, its maxStorageBufferBindingSize). The largest batch that fits is 8: set the batch size to 8 ' +
        'or less, or keep 16 in micro-batches of 8.',
    })
    await expect(start({ batchSize: 64, microBatch: 16 })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(
        /^At micro-batches of 16 the output of layer 'conv' is 2 GiB, .* Set micro-batches of 8 or fewer\.$/,
      ),
    })
    expect(await services['runs.list']({ id: projectId })).toEqual([])
  })

  it('a real out-of-memory fails the run cleanly, with the batch to try', async () => {
    // Batch 8 is the largest the check lets through: one tensor of exactly 1 GiB, which SwiftShader
    // cannot allocate (Dawn asks for a little more than the buffer): a real GPUOutOfMemoryError.
    const { services } = setup()
    const folder = writeHalvesFolder(tempDir('cnn-studio-wide-'), { side: 64, train: 4, test: 1 })
    const projectId = await projectWith(services, 'wide', wide)
    const run = await services['training.start']({
      projectId,
      dataset: { folder },
      hyperparameters: { batchSize: 8, validationSplit: 0, epochs: 2 },
      backend: 'webgpu',
    })
    const failed = await services.settled(run.id)
    expect(failed).toMatchObject({
      status: 'failed',
      message:
        `GPU out of memory at batch 8 on ${GPU}, at epoch 1, batch 1: try 4, or micro-batches of 4 ` +
        '(the same step in less memory).',
      resumable: false,
      backend: 'webgpu',
      device: expect.stringContaining('SwiftShader'),
      epochsDone: 0,
    })
    expect((await services['runs.get']({ runId: run.id })).checkpoints).toEqual([])
  }, 60_000)

  it('a GPU lost mid-run fails the run as resumable, keeping its checkpoint; it resumes on wasm', async () => {
    const { services, dir } = setup({ training: { spawn: gpuLosingWorker(1) } })
    const folder = writeHalvesFolder(tempDir('cnn-studio-tiny-'))
    const projectId = await projectWith(services, 'tiny', tiny)
    const run = await services['training.start']({
      projectId,
      dataset: { folder },
      hyperparameters: { batchSize: 4, epochs: 3, learningRate: 0.05, validationSplit: 0 },
      backend: 'webgpu',
    })
    const lost = await services.settled(run.id)
    expect(lost).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(
        new RegExp(
          `^The GPU ${escape(GPU)} was lost at epoch 2, batch 1 \\(.+\\)\\. The checkpoints of earlier epochs are kept: ` +
            'resume the run to continue from the last one, on this GPU once it is back or on any other backend\\.$',
        ),
      ),
      resumable: true,
      backend: 'webgpu',
      epochsDone: 1,
    })
    expect((await services['runs.get']({ runId: run.id })).checkpoints.map((c) => c.epoch)).toEqual([1])

    // Where the GPU is still gone, resuming it there is refused with Dawn's reason, the run untouched.
    const there = cli(['train', '--resume', run.id, '--data', dir], 60_000, NO_DRIVER)
    expect(there.status, there.stderr).toBe(1)
    expect(there.stderr).toContain(
      `cnn-studio train: Run '${run.id}' cannot resume on webgpu, which cannot load here (no WebGPU adapter: ` +
        `loader_get_json: Failed to open JSON file ${NO_DRIVER.VK_ICD_FILENAMES}`,
    )
    expect(there.stderr).toContain(
      `Resume it on another backend (cnn-studio train --resume ${run.id} --backend wasm).`,
    )
    expect(await services['runs.get']({ runId: run.id })).toMatchObject({ status: 'failed', resumable: true })

    // On wasm it goes on from that checkpoint and finishes, recording where it trained.
    const resumed = cli(['train', '--resume', run.id, '--backend', 'wasm', '--data', dir, '--json'], 60_000)
    expect(resumed.status, resumed.stderr).toBe(0)
    expect(jsonLines(resumed.stdout).map((l) => l.epoch ?? 'summary')).toEqual([2, 3, 'summary'])
    const final = await services['runs.get']({ runId: run.id })
    expect(final).toMatchObject({ status: 'finished', backend: 'wasm', epochsDone: 3, message: null })
    expect(final.device).toMatch(/^CPU \(WebAssembly\)/)
    expect(final.testAccuracy).not.toBeNull()
    expect(final.epochs.map((e) => e.epoch)).toEqual([1, 2, 3])
  }, 90_000)

  it('a forced webgpu that cannot load is refused with the reason; without --backend it trains elsewhere', async () => {
    const { services, dir } = setup()
    const folder = writeHalvesFolder(tempDir('cnn-studio-tiny-'))
    const projectId = await projectWith(services, 'tiny', tiny)
    const train = (...extra: string[]) =>
      cli(
        ['train', 'tiny', '--dataset', folder, '--epochs', '1', '--data', dir, '--json', ...extra],
        60_000,
        NO_DRIVER,
      )
    const refused = train('--backend', 'webgpu')
    expect(refused.status, refused.stderr).toBe(1)
    expect(refused.stderr.trim()).toMatch(
      new RegExp(
        `^cnn-studio train: The 'webgpu' backend was asked for but cannot load \\(webgpu: no WebGPU adapter: ` +
          `loader_get_json: Failed to open JSON file ${escape(NO_DRIVER.VK_ICD_FILENAMES)}.*\\)\\. ` +
          'Leave out --backend to use the fastest that works\\.$',
      ),
    )
    expect(await services['runs.list']({ id: projectId })).toEqual([])

    const fallback = train()
    expect(fallback.status, fallback.stderr).toBe(0)
    expect(jsonLines(fallback.stdout).at(-1)).toMatchObject({ status: 'finished', backend: 'wasm' })
  }, 60_000)
})

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
