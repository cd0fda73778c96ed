import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Tensor } from '@tensorflow/tfjs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EventName } from '../../shared/api/contract'
import { exportRequestSchema } from '../../shared/api/export'
import type { TorchReport } from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import { getTemplate } from '../../shared/templates'
import { evaluateInTorch } from '../../../test/pytorch-test-kit'
import { runFolder } from '../data-dir'
import { DEBIAN_FASHION_MNIST } from '../datasets/catalog'
import { FASHION_MNIST_CLASSES } from '../datasets/mnist'
import { writeHalvesFolder } from '../datasets/test-kit'
import { tempDir } from '../db/test-kit'
import { compareLogits, nhwcToNchw, withinTolerance } from '../export/compare'
import { buildModel } from '../model/build-model'
import { decodeTensors } from '../model/checkpoint'
import { setWeights } from '../model/weights'
import { torchConfig } from '../pytorch/config'
import { planModel } from '../pytorch/model-plan'
import { pythonFile } from '../pytorch/python-files'
import { asFloat32, decodeSafetensors, encodeSafetensors, f32Tensor } from '../pytorch/safetensors'
import { toStateDict } from '../pytorch/state-dict'
import { fakeFound, torchOrSkip } from '../pytorch/test-kit'
import { loadBackend } from '../tfjs/backends'
import { chain } from '../../shared/graph/test-kit'
import { lenetProject, projectWith, servicesWithEvents } from './test-kit'

/**
 * PyTorch runs through the training service with the real train.py and PyTorch (skipped, saying
 * so, where PyTorch or Debian's Fashion-MNIST is missing; CI requires both): LeNet-5 on a thousand Fashion-MNIST images, its
 * metrics and checkpoints stored as a TF.js run's, the checkpoint computing in TF.js what it
 * computes in PyTorch (so evaluation and ONNX export read it unchanged); stop, a killed python and
 * resume from the checkpoint; a NaN loss; two processes over an image folder; PyTorch missing.
 */
const found = await torchOrSkip()
const fashion = existsSync(DEBIAN_FASHION_MNIST)
if (process.env.CNN_STUDIO_REQUIRE_FASHION_MNIST && !fashion)
  throw new Error(
    `${DEBIAN_FASHION_MNIST} is missing: apt-get install dataset-fashion-mnist (CI installs it).`,
  )

const PYTORCH = { name: 'pytorch', processes: 1, device: 'cpu' } as const
const FASHION = { builtin: 'fashion-mnist' } as const
const status = (s: string) => (e: EventName, p: unknown) =>
  e === 'training.status' && (p as { status: string }).status === s
const epochDone = (n: number) => (e: EventName, p: unknown) =>
  e === 'training.epoch' && (p as { epoch: number }).epoch === n

afterEach(() => vi.unstubAllEnvs())

describe.skipIf(!found)('PyTorch runs in the training service (real PyTorch)', () => {
  it.skipIf(!fashion)(
    'trains LeNet-5 on Fashion-MNIST; its checkpoint computes in TF.js what it computes in PyTorch, and exports to ONNX',
    { timeout: 120_000 },
    async () => {
      const { services, dir, db } = servicesWithEvents()
      const projectId = await lenetProject(services)
      const run = await services['training.start']({
        projectId,
        dataset: FASHION,
        hyperparameters: { epochs: 2, limit: 1000 },
        engine: PYTORCH,
      })
      expect(run.engine).toEqual(PYTORCH)
      const final = await services.settled(run.id)
      expect(final, final.message ?? '').toMatchObject({
        status: 'finished',
        backend: 'pytorch',
        epochsDone: 2,
      })
      expect(final.device).toMatch(/^CPU: \d+ threads? via PyTorch \d+\.\d+/)
      expect(final.testAccuracy).toBeGreaterThan(0.3)
      const detail = await services['runs.get']({ runId: run.id })
      expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2])
      for (const e of detail.epochs) {
        expect(Number.isFinite(e.trainLoss) && Number.isFinite(e.valLoss!)).toBe(true)
        expect(e.samplesPerSecond).toBeGreaterThan(0)
      }
      expect(detail.epochs[1].trainLoss).toBeLessThan(detail.epochs[0].trainLoss)
      expect(detail.batches.length).toBeGreaterThan(1)
      expect(detail.checkpoints.map((c) => c.epoch)).toContain(2)
      expect(detail.classes).toEqual(FASHION_MNIST_CLASSES)

      // What train.py was given: config.json as torchConfig writes it (the dataset's own files).
      // The run settles at its done line; python's exit then removes the scratch (checkpoints/).
      const folder = path.join(runFolder(dir, run.id), 'pytorch')
      await vi.waitFor(() =>
        expect(readdirSync(folder).sort()).toEqual([
          'config.json',
          'control',
          'model.py',
          'safetensors_io.py',
          'train.py',
        ]),
      )
      const config = JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8'))
      const document = getTemplate('lenet5-mnist')!.document
      const plan = planModel(document, { classes: detail.classes })
      expect(config).toEqual(
        torchConfig({
          model: plan.className,
          input: { height: 28, width: 28, channels: 1 },
          classes: detail.classes,
          dataset: { kind: 'idx', path: config.dataset.path, name: 'Fashion-MNIST' },
          hyperparameters: { epochs: 2, limit: 1000 },
        }),
      )

      // The stored checkpoint: the same logits in TF.js and in PyTorch (model.py of the run's folder).
      const stored = db
        .prepare<[string], { weights: Buffer }>(
          'SELECT weights FROM checkpoints WHERE run_id = ? ORDER BY epoch DESC',
        )
        .get(run.id)!
      const weights = decodeTensors(new Uint8Array(stored.weights))
      const { torchLogits, tfjsLogits } = await logitsBothWays(document, folder, weights)
      const c = compareLogits(torchLogits, tfjsLogits, 10)
      expect(c.maxAbsLogit).toBeGreaterThan(0.1)
      expect(withinTolerance(c, 1e-4), JSON.stringify(c)).toBe(true)
      expect(c.top1Agreement).toBe(1)

      // ONNX export of the run reads the checkpoint as any other run's.
      const onnx = path.join(dir, 'run.onnx')
      const report = await services['export.model'](
        exportRequestSchema.parse({ source: { runId: run.id }, path: onnx }),
      )
      expect(report.verification).toMatchObject({ engine: 'onnxruntime', data: 'dataset', passed: true })
      expect(existsSync(onnx)).toBe(true)

      await services['runs.delete']({ runId: run.id })
      expect(existsSync(runFolder(dir, run.id))).toBe(false)
      await services.close()
    },
  )

  it.skipIf(!fashion || process.platform !== 'linux')(
    'survives a killed python and a stop, resuming each time from the last checkpoint on PyTorch',
    { timeout: 120_000 },
    async () => {
      const { services, next } = servicesWithEvents()
      const projectId = await lenetProject(services)
      const run = await services['training.start']({
        projectId,
        dataset: FASHION,
        hyperparameters: { epochs: 3, limit: 1000, batchSize: 32 },
        engine: PYTORCH,
      })
      // Paused in epoch 2 (epoch 1's checkpoint stored: its line came first), then killed.
      await next(epochDone(1))
      await services['training.pause']({ runId: run.id })
      await next(status('paused'))
      process.kill(pythonPid(run.id), 'SIGKILL')
      const killed = await services.settled(run.id)
      expect(killed).toMatchObject({ status: 'failed', epochsDone: 1, resumable: true })
      expect(killed.message).toMatch(
        /^PyTorch failed: the python process was killed \(SIGKILL\); resume the run to continue from its last checkpoint\./,
      )
      await expect(
        (async () => services['training.resume']({ runId: run.id, backend: 'wasm' }))(),
      ).rejects.toThrow(/trains on PyTorch, which it keeps: --backend wasm chooses a TF\.js backend/)
      await expect(
        (async () => services['training.resume']({ runId: run.id, engine: { name: 'tfjs' } }))(),
      ).rejects.toThrow(/trained on PyTorch, which it keeps/)

      await services['training.resume']({ runId: run.id })
      await next(epochDone(2))
      await services['training.pause']({ runId: run.id })
      await next(status('paused'))
      await services['training.stop']({ runId: run.id })
      expect(await services.settled(run.id)).toMatchObject({ status: 'stopped', epochsDone: 2 })

      const resumed = await services['training.resume']({
        runId: run.id,
        engine: { name: 'pytorch', processes: 1, device: 'auto' },
      })
      expect(resumed.engine).toEqual({ name: 'pytorch', processes: 1, device: 'auto' })
      const final = await services.settled(run.id)
      expect(final, final.message ?? '').toMatchObject({ status: 'finished', epochsDone: 3 })
      const detail = await services['runs.get']({ runId: run.id })
      expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2, 3])
      // Each attempt went on from the weights before it: the training loss kept falling.
      const losses = detail.epochs.map((e) => e.trainLoss)
      expect(losses[1]).toBeLessThan(losses[0])
      expect(losses[2]).toBeLessThan(losses[1])
      // Steps count on from the checkpoint's epoch.
      const firstStep = (epoch: number) => detail.batches.find((b) => b.epoch === epoch)!.step
      expect(firstStep(2)).toBeGreaterThan(firstStep(1))
      expect(firstStep(3)).toBeGreaterThan(firstStep(2))
      await services.close()
    },
  )

  it.skipIf(!fashion)(
    'fails a run whose loss becomes NaN with train.py’s message',
    { timeout: 60_000 },
    async () => {
      const { services } = servicesWithEvents()
      // Two Dense layers with nothing between them: learning rate 10 with momentum makes each layer's
      // gradient grow with the other's weights until they overflow, whatever the initial weights
      // (LeNet-5's ReLUs may die instead, leaving a finite loss).
      const projectId = await projectWith(
        services,
        'linear',
        chain([
          ['in', 'Input', { height: 28, width: 28, channels: 1 }],
          ['flat', 'Flatten'],
          ['fc1', 'Dense', { units: 32 }],
          ['fc2', 'Dense', { units: 10 }],
          ['out', 'Output', { classes: 10 }],
        ]),
      )
      const run = await services['training.start']({
        projectId,
        dataset: FASHION,
        hyperparameters: {
          epochs: 3,
          limit: 500,
          optimizer: 'sgd',
          momentum: 0.9,
          learningRate: 10,
          normalize: 'standardize',
        },
        engine: PYTORCH,
      })
      const final = await services.settled(run.id)
      expect(final.status).toBe('failed')
      expect(final.message).toMatch(
        /^The training loss became (NaN|-?Infinity) at epoch \d+, batch \d+ \(learning rate 10\.0\)\. Lower the learning rate, add BatchNorm, or check the data; the checkpoints of earlier epochs are kept\.$/,
      )
      await services.close()
    },
  )

  it(
    'trains an image folder in two processes (gloo), from the tensors the app decoded',
    { timeout: 90_000 },
    async () => {
      const { services, dir } = servicesWithEvents()
      const halves = writeHalvesFolder(path.join(dir, 'halves'), { side: 8, train: 6, test: 2 })
      const projectId = await projectWith(services, 'halves', twoClassLenet())
      let dataset: ReturnType<typeof decodeSafetensors> | null = null
      const folder = () => path.join(runFolder(dir, run.id), 'pytorch')
      const run = await services['training.start']({
        projectId,
        dataset: { folder: halves },
        hyperparameters: { epochs: 1, batchSize: 8 },
        engine: { name: 'pytorch', processes: 2, device: 'cpu' },
      })
      // The decoded images, read while the run is on (the file goes with the run's end).
      const final = await waitWith(services, run.id, () => {
        const file = path.join(folder(), 'dataset.safetensors')
        if (!dataset && existsSync(file)) dataset = decodeSafetensors(readFileSync(file))
      })
      expect(final, final.message ?? '').toMatchObject({ status: 'finished', epochsDone: 1 })
      expect(final.device).toMatch(/^CPU: 1 thread via PyTorch \d.*, 2 processes \(gloo\)$/)
      const file = dataset as ReturnType<typeof decodeSafetensors> | null
      expect(file!.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
        ['train_images', 'U8', [12, 28, 28, 1]],
        ['train_labels', 'U8', [12]],
        ['test_images', 'U8', [4, 28, 28, 1]],
        ['test_labels', 'U8', [4]],
      ])
      expect(JSON.parse(file!.metadata.classes)).toEqual(['bottom', 'top'])
      const config = JSON.parse(readFileSync(path.join(folder(), 'config.json'), 'utf8'))
      expect(config.dataset).toEqual({
        kind: 'tensors',
        path: path.join(folder(), 'dataset.safetensors'),
        name: 'halves',
      })
      // Removed when python has exited (the run settles at its done line).
      await vi.waitFor(() => expect(existsSync(path.join(folder(), 'dataset.safetensors'))).toBe(false))
      await services.close()
    },
  )
})

describe('PyTorch runs refused before a run exists', () => {
  it('without PyTorch (CNN_STUDIO_PYTHON names no python), with a TF.js backend, or a device PyTorch lacks', async () => {
    vi.stubEnv('CNN_STUDIO_PYTHON', '/nonexistent/python3')
    const { services } = servicesWithEvents()
    const projectId = await lenetProject(services)
    const start = (engine: object, extra: object = {}) =>
      (async () =>
        services['training.start']({
          projectId,
          dataset: { builtin: 'mnist' },
          hyperparameters: {},
          engine: engine as never,
          ...extra,
        }))()
    await expect(start(PYTORCH)).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(
        /^No python was found \(tried \/nonexistent\/python3\): install Python 3, then install PyTorch: pip install torch/,
      ),
    })
    await expect(start(PYTORCH, { backend: 'wasm' })).rejects.toMatchObject({ code: 'invalid' })
    expect(await services['runs.list']({ id: projectId })).toEqual([])
    expect((await services['training.engines']({})).pytorch.found).toBeNull()
    await services.close()

    // A PyTorch without GPUs (as reported), asked for one.
    const cpuOnly = servicesWithEvents({
      training: {
        pytorch: {
          find: async (): Promise<TorchReport> => ({ found: fakeFound(), reason: null, tried: [] }),
        },
      },
    }).services
    const p2 = await lenetProject(cpuOnly)
    const start2 = (device: string) =>
      (async () =>
        cpuOnly['training.start']({
          projectId: p2,
          dataset: { builtin: 'mnist' },
          hyperparameters: {},
          engine: { name: 'pytorch', processes: 1, device } as never,
        }))()
    await expect(start2('cuda')).rejects.toThrow(
      'PyTorch 0.0-fake (python3) sees no CUDA GPU here: choose the device cpu or auto (--device cpu), or install a PyTorch built with CUDA.',
    )
    await expect(start2('mps')).rejects.toMatchObject({ code: 'unavailable' })
    expect(await cpuOnly['runs.list']({ id: p2 })).toEqual([])
    await cpuOnly.close()
  })
})

/** LeNet-5 with two classes (the halves folder's top and bottom). */
function twoClassLenet(): GraphDocument {
  const doc = structuredClone(getTemplate('lenet5-mnist')!.document)
  for (const n of doc.nodes) {
    if (n.kind === 'Dense' && n.params.units === 10) n.params = { ...n.params, units: 2 }
    if (n.kind === 'Output') n.params = { ...n.params, classes: 2 }
  }
  return doc
}

/** Waits for the run to settle, calling `poll` every 20 ms meanwhile. */
async function waitWith(
  services: ReturnType<typeof servicesWithEvents>['services'],
  runId: string,
  poll: () => void,
) {
  const timer = setInterval(poll, 20)
  try {
    return await services.settled(runId)
  } finally {
    clearInterval(timer)
  }
}

/**
 * Logits of four images under `weights` (a checkpoint's: TF.js order and layouts): TF.js's from
 * buildModel + setWeights, PyTorch's from the run folder's model.py with the weights as its state
 * dict (test/pytorch-evaluate.py).
 */
async function logitsBothWays(
  document: GraphDocument,
  runFolderPath: string,
  weights: ReturnType<typeof decodeTensors>,
) {
  const { tf } = await loadBackend({ force: 'cpu' })
  const built = buildModel(tf, document, { seed: 1, purpose: 'export' })
  const shape = [4, 28, 28, 1]
  const images = Float32Array.from({ length: 4 * 28 * 28 }, (_, i) => ((i * 7919) % 256) / 255)
  let tfjsLogits: Float32Array
  try {
    setWeights(tf, built.model, weights)
    tfjsLogits = tf.tidy(
      () => (built.model.predict(tf.tensor4d(images, shape as never)) as Tensor).dataSync() as Float32Array,
    )
  } finally {
    built.model.dispose()
  }
  const root = tempDir('cnn-studio-torch-logits-')
  const caseDir = path.join(root, 'case000')
  mkdirSync(caseDir)
  copyFileSync(path.join(runFolderPath, 'model.py'), path.join(caseDir, 'model.py'))
  const state = toStateDict(planModel(document), weights)
  writeFileSync(path.join(caseDir, 'weights.safetensors'), encodeSafetensors(state))
  const nchw = f32Tensor('images', [4, 1, 28, 28], nhwcToNchw(images, shape))
  writeFileSync(path.join(caseDir, 'inputs.safetensors'), encodeSafetensors([nchw]))
  const report = evaluateInTorch(found!.python, root, path.dirname(pythonFile('safetensors_io.py')))
  if (report.case000.error) throw new Error(report.case000.error)
  const torchLogits = asFloat32(
    decodeSafetensors(readFileSync(path.join(caseDir, 'logits.safetensors'))).tensors[0],
  )
  return { torchLogits, tfjsLogits }
}

/** The pid of the python training run `runId` (Linux: /proc), for the kill. */
function pythonPid(runId: string): number {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p)))
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      if (cmd.includes(`${runId}/pytorch/train.py`)) return Number(pid)
    } catch {
      // Gone meanwhile.
    }
  throw new Error(`no python runs ${runId}`)
}
