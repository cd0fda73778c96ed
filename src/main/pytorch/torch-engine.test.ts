import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { hyperparametersSchema, type EngineChoice } from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import { getTemplate } from '../../shared/templates'
import { writeHalvesFolder } from '../datasets/test-kit'
import { tempDir } from '../db/test-kit'
import { decodeTensorBlob, decodeTensors, encodeTensors } from '../model/checkpoint'
import { writeTinyMnist } from '../services/test-kit'
import type { RunEvent, TrainJob } from '../training/protocol'
import { spawnWorker } from '../workers/spawn-worker'
import { torchFolderOf } from './run-folder'
import { createTorchEngine, torchCommand } from './torch-engine'
import { fakeFound, fakeParts, type FakeTrain } from './test-kit'
import { TORCHRUN } from './torchrun-shim'

/**
 * The PyTorch engine's process handling against a stand-in train.py (test-fixtures/fake_train.py,
 * which speaks the JSON-lines protocol without torch): events, checkpoints, the control file, a
 * crash's stderr, an exit without `done`, terminate. The real train.py is tested through the
 * training service (test/pytorch-engine.test.ts).
 */

const TORCH: EngineChoice = { name: 'pytorch', processes: 1, device: 'cpu' }

function lenet(classes = 10): GraphDocument {
  const doc = structuredClone(getTemplate('lenet5-mnist')!.document)
  for (const n of doc.nodes) {
    if (n.id === 'logits') n.params = { ...n.params, units: classes }
    if (n.id === 'output') n.params = { ...n.params, classes }
  }
  return doc
}

/** Starts a stand-in run over a tiny MNIST; `events` fills as it reports, `ended` resolves at `exit`. */
function startFake(fake: FakeTrain, job: Partial<TrainJob> = {}) {
  const dataDir = job.dataDir ?? tempDir('cnn-studio-torch-engine-')
  writeTinyMnist(dataDir)
  const { parts, configs } = fakeParts(fake)
  const engine = createTorchEngine({
    found: fakeFound(),
    parts,
    spawnDatasetThread: () => spawnWorker('dataset-worker'),
    killGraceMs: 500,
  })
  const events: RunEvent[] = []
  const waiting: { test: (e: RunEvent) => boolean; resolve: () => void }[] = []
  engine.on('message', (e) => {
    events.push(e)
    for (const w of waiting.splice(0))
      if (w.test(e)) w.resolve()
      else waiting.push(w)
  })
  const ended = new Promise<number>((resolve) => engine.on('exit', resolve))
  const next = (test: (e: RunEvent) => boolean) =>
    new Promise<void>((resolve) => waiting.push({ test, resolve }))
  const full: TrainJob = {
    runId: 'run-1',
    document: lenet(),
    dataset: { builtin: 'mnist' },
    dataDir,
    hyperparameters: hyperparametersSchema.parse({ epochs: 2 }),
    engine: TORCH,
    ...job,
  }
  engine.postMessage({ type: 'start', job: full })
  return { engine, events, ended, next, dataDir, configs, folder: torchFolderOf(dataDir, full.runId) }
}

const types = (events: RunEvent[]) => events.map((e) => e.type)

describe('the PyTorch engine (against a stand-in train.py)', () => {
  it('turns the JSON lines into run events, checkpoints into ours, and cleans up after', async () => {
    const run = startFake({ epochs: 2, batches: 3 })
    expect(await run.ended).toBe(0)
    const e = run.events
    expect(types(e)).toEqual([
      'started',
      ...['batch', 'batch', 'batch', 'epoch', 'checkpoint'],
      ...['batch', 'batch', 'batch', 'epoch', 'checkpoint'],
      'done',
    ])
    const started = e[0] as Extract<RunEvent, { type: 'started' }>
    expect(started).toMatchObject({
      backend: 'pytorch',
      device: expect.stringMatching(/^CPU: \d+ threads? via PyTorch 0\.0-fake$/),
      samples: { train: 16, validation: 2, test: 2 },
      dataset: {
        id: 'mnist',
        name: 'MNIST',
        source: 'builtin',
        samples: 30,
        contentHash: expect.any(String),
      },
    })
    expect(e[1]).toEqual({
      type: 'batch',
      epoch: 1,
      batch: 1,
      batches: 3,
      step: 1,
      loss: 1,
      samplesPerSecond: 100,
      etaSeconds: 1,
    })
    // A null validation loss (not finite in python) is NaN here, which the runs table skips.
    expect(e[4]).toEqual({
      type: 'epoch',
      metrics: {
        epoch: 1,
        trainLoss: 1,
        trainAccuracy: 0.5,
        valLoss: NaN,
        valAccuracy: 0.25,
        learningRate: 0.001,
        samplesPerSecond: 100,
      },
    })
    const checkpoint = e[10] as Extract<RunEvent, { type: 'checkpoint' }>
    expect(checkpoint.progress).toEqual({
      bestValLoss: null,
      bestEpoch: 2,
      bestValScore: 0.25,
      epochsWithoutImprovement: 0,
    })
    expect(checkpoint.checkpoint).toMatchObject({ epoch: 2, isBest: true })
    expect(decodeTensors(checkpoint.checkpoint.weights)).toEqual([
      { name: 'fc.weight', dtype: 'float32', shape: [2], data: Float32Array.of(2, -2) },
    ])
    expect(decodeTensorBlob(checkpoint.checkpoint.optimizer)).toEqual({
      tensors: [{ name: 'state.0.step', dtype: 'float32', shape: [], data: Float32Array.of(6) }],
      metadata: { param_groups: '[{"lr": 0.001, "params": [0]}]' },
    })
    expect(e.at(-1)).toEqual({
      type: 'done',
      status: 'finished',
      message: null,
      test: { loss: 0.5, accuracy: 0.75 },
    })
    // config.json got the built-in's own files; the checkpoint files were taken, the scratch removed.
    expect(run.configs[0].dataset).toEqual({
      kind: 'idx',
      path: path.join(run.dataDir, 'datasets', 'mnist'),
      name: 'MNIST',
    })
    expect(run.configs[0].classes).toHaveLength(10)
    expect(readdirSync(run.folder.root).sort()).toEqual(['config.json', 'control', 'model.py', 'train.py'])
  })

  it('writes pause, resume and stop to the control file and reports what train.py answers', async () => {
    const run = startFake({ epochs: 50, batches: 5, delay: 0.02 })
    await run.next((e) => e.type === 'batch')
    run.engine.postMessage({ type: 'pause' })
    await run.next((e) => e.type === 'paused')
    expect(readFileSync(run.folder.control, 'utf8')).toBe('pause')
    const batches = run.events.filter((e) => e.type === 'batch').length
    await new Promise((r) => setTimeout(r, 200))
    expect(run.events.filter((e) => e.type === 'batch').length).toBe(batches)
    run.engine.postMessage({ type: 'resume' })
    await run.next((e) => e.type === 'resumed')
    await run.next((e) => e.type === 'batch')
    run.engine.postMessage({ type: 'stop' })
    expect(await run.ended).toBe(0)
    expect(run.events.at(-1)).toEqual({
      type: 'done',
      status: 'stopped',
      message: 'Stopped by the user.',
      test: null,
    })
  })

  it('fails a run whose python crashes, with the last lines it wrote on stderr', async () => {
    const run = startFake({ mode: 'crash' })
    expect(await run.ended).toBe(1)
    expect(types(run.events)).toEqual(['started', 'batch', 'batch', 'batch', 'epoch', 'checkpoint', 'done'])
    const done = run.events.at(-1) as Extract<RunEvent, { type: 'done' }>
    expect(done.status).toBe('failed')
    expect(done.message).toBe(
      [
        'PyTorch failed: python exited with status 1 before the run ended.',
        'fake train.py starting on cpu with ' + done.message!.match(/with (\d+) threads/)![1] + ' threads',
        'Traceback (most recent call last):',
        '  File "train.py", line 1, in <module>',
        'RuntimeError: CUDA error: an illegal memory access was encountered',
      ].join('\n'),
    )
    expect(done.resumable).toBeUndefined()
  })

  it('fails a run whose python exits without a word, and one that writes a line it cannot read', async () => {
    const silent = startFake({ mode: 'silent-exit' })
    expect(await silent.ended).toBe(3)
    expect(silent.events.at(-1)).toMatchObject({
      type: 'done',
      status: 'failed',
      message: expect.stringMatching(
        /^PyTorch failed: python exited with status 3 before the run ended\.\nfake train.py starting/,
      ),
    })
    const bad = startFake({ mode: 'bad-line' })
    await bad.ended
    expect(bad.events.at(-1)).toMatchObject({
      type: 'done',
      status: 'failed',
      message: expect.stringMatching(
        /^PyTorch failed: train.py wrote a 'batch' line the app cannot read \(loss: /,
      ),
    })
  })

  it("passes train.py's own failure on (a NaN loss) as it is", async () => {
    const run = startFake({ mode: 'nan' })
    await run.ended
    const batches = run.events.filter((e): e is Extract<RunEvent, { type: 'batch' }> => e.type === 'batch')
    expect(Number.isNaN(batches.at(-1)!.loss)).toBe(true)
    expect(run.events.at(-1)).toEqual({
      type: 'done',
      status: 'failed',
      message: 'The loss became NaN at epoch 1, batch 2.',
      test: null,
    })
  })

  it('ends python at once when terminated, and a killed python fails the run resumably', async () => {
    const hung = startFake({ mode: 'hang' })
    await hung.next((e) => e.type === 'started')
    const t = performance.now()
    await hung.engine.terminate()
    expect(performance.now() - t).toBeLessThan(3000)
    expect(await hung.ended).toBe(1)
    expect(types(hung.events)).toEqual(['started'])

    const killed = startFake({ mode: 'hang' })
    await killed.next((e) => e.type === 'started')
    const pid = pythonPid(killed.folder.root)
    process.kill(pid, 'SIGKILL')
    await killed.ended
    expect(killed.events.at(-1)).toMatchObject({
      type: 'done',
      status: 'failed',
      resumable: true,
      message: expect.stringMatching(
        /^PyTorch failed: the python process was killed \(SIGKILL\); resume the run/,
      ),
    })
  })

  it('writes the resume point from our checkpoint, and train.py continues after its epoch', async () => {
    const weights = encodeTensors([
      { name: 'fc.weight', dtype: 'float32', shape: [2], data: Float32Array.of(7, 8) },
    ])
    const optimizer = encodeTensors(
      [{ name: 'state.0.step', dtype: 'float32', shape: [], data: Float32Array.of(3) }],
      {
        param_groups: '[]',
      },
    )
    const progress = { bestValLoss: 0.5, bestEpoch: 1, bestValScore: 0.9, epochsWithoutImprovement: 0 }
    const run = startFake(
      { epochs: 2, batches: 2 },
      { resume: { checkpoint: { epoch: 1, weights, optimizer, isBest: true }, ...progress } },
    )
    await run.ended
    expect(
      run.events
        .filter((e) => e.type === 'epoch')
        .map((e) => (e as { metrics: { epoch: number } }).metrics.epoch),
    ).toEqual([2])
    const seen = JSON.parse(readFileSync(path.join(run.folder.root, 'seen-resume.json'), 'utf8'))
    expect(seen).toEqual({
      state: { epoch: 1, progress },
      weights: { tensors: [{ name: 'fc.weight', dtype: 'F32', shape: [2], data: [7, 8] }], metadata: {} },
      optimizer: {
        tensors: [{ name: 'state.0.step', dtype: 'F32', shape: [], data: [3] }],
        metadata: { param_groups: '[]' },
      },
    })
    expect(existsSync(run.folder.resume)).toBe(false)
  })

  it('gives train.py an image folder as the tensors the app decoded, and stops before python when asked', async () => {
    const dataDir = tempDir('cnn-studio-torch-engine-')
    const folder = writeHalvesFolder(path.join(dataDir, 'halves'), { side: 8, train: 4, test: 2 })
    const written: Record<string, unknown>[] = []
    const run = startFake({ epochs: 1 }, { dataDir, dataset: { folder }, document: lenet(2) })
    // The stand-in parts' safetensors is JSON: read the file before the run ends removes it.
    await run.next((e) => e.type === 'started')
    written.push(JSON.parse(readFileSync(path.join(run.folder.root, 'dataset.safetensors'), 'utf8')))
    await run.ended
    const file = written[0] as {
      tensors: { name: string; dtype: string; shape: number[] }[]
      metadata: Record<string, string>
    }
    expect(file.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['train_images', 'U8', [8, 28, 28, 1]],
      ['train_labels', 'U8', [8]],
      ['test_images', 'U8', [4, 28, 28, 1]],
      ['test_labels', 'U8', [4]],
    ])
    expect(JSON.parse(file.metadata.classes)).toEqual(['bottom', 'top'])
    expect(run.configs[0].dataset).toEqual({
      kind: 'tensors',
      path: path.join(run.folder.root, 'dataset.safetensors'),
      name: 'halves',
    })
    expect(existsSync(path.join(run.folder.root, 'dataset.safetensors'))).toBe(false)

    const stopped = startFake({})
    stopped.engine.postMessage({ type: 'stop' })
    await stopped.ended
    expect(stopped.events).toEqual([
      { type: 'done', status: 'stopped', message: 'Stopped before training started.', test: null },
    ])
  })

  it('fails clearly when the dataset cannot be decoded, before python starts', async () => {
    const run = startFake({}, { dataset: { folder: '/nonexistent/images' } })
    await run.ended
    expect(run.events).toEqual([
      { type: 'done', status: 'failed', message: expect.stringContaining('/nonexistent/images'), test: null },
    ])
  })

  it('starts several processes through torch.distributed.run on a port of their own', () => {
    const f = torchFolderOf('/data', 'r')
    const one = torchCommand(fakeFound('/usr/bin/python3'), TORCH as never, f, {
      port: 0,
      resume: false,
      threads: 2,
    })
    expect(one).toEqual({
      command: '/usr/bin/python3',
      args: [
        f.trainPy,
        '--json',
        '--control',
        f.control,
        '--parent-pid',
        String(process.pid),
        '--checkpoints',
        f.checkpoints,
        '--device',
        'cpu',
        '--threads',
        '2',
      ],
    })
    const two = torchCommand(
      fakeFound('/usr/bin/python3'),
      { name: 'pytorch', processes: 2, device: 'auto' },
      f,
      {
        port: 40123,
        resume: true,
        threads: 1,
      },
    )
    expect(two.args.slice(0, 11)).toEqual([
      '-c',
      TORCHRUN,
      '--nnodes',
      '1',
      '--nproc_per_node',
      '2',
      '--master_addr',
      '127.0.0.1',
      '--master_port',
      '40123',
      f.trainPy,
    ])
    expect(two.args.slice(-2)).toEqual(['--resume-from', f.resume])
  })
})

/** The pid of the python running in `folder` (Linux: /proc), for the kill test. */
function pythonPid(folder: string): number {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p)))
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      if (cmd.includes(path.join(folder, 'train.py'))) return Number(pid)
    } catch {
      // Gone meanwhile.
    }
  throw new Error(`no python runs ${folder}/train.py`)
}
