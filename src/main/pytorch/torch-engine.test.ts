import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { hyperparametersSchema, type EngineChoice } from '../../shared/api/training'
import { getTemplate } from '../../shared/templates'
import { tempDir } from '../db/test-kit'
import { buildModel } from '../model/build-model'
import { getWeights } from '../model/weights'
import { writeTinyMnist } from '../services/test-kit'
import { loadBackend } from '../tfjs/backends'
import type { RunEvent, TrainJob } from '../training/protocol'
import { spawnWorker } from '../workers/spawn-worker'
import { planModel } from './model-plan'
import { torchFolderOf } from './run-folder'
import { encodeSafetensors } from './safetensors'
import { toStateDict } from './state-dict'
import { fakeFound, fakePython } from './test-kit'
import { createTorchEngine, torchCommand } from './torch-engine'
import { TORCHRUN } from './torchrun-shim'

/**
 * The PyTorch engine's process handling where the real train.py cannot fail cheaply on purpose: a
 * stand-in "python" (a shell script that ignores train.py and prints what it is told) crashing
 * without `done`, exiting silently, writing a line the app cannot read, hanging when terminated;
 * and what fails before python starts; the initial weights it is given. Real PyTorch runs: services/pytorch-runs.test.ts.
 */

const TORCH: EngineChoice = { name: 'pytorch', processes: 1, device: 'cpu' }

const STARTED =
  '{"type":"started","device":"cpu","deviceName":"a CPU","torch":"1.13.0","processes":1,"distributed":null,"threads":2,"samples":{"train":16,"validation":2,"test":2}}'

/** Starts a run over a tiny MNIST whose "python" is `python`; `events` fills as it reports, `ended` resolves at `exit`. */
function start(python: string, job: Partial<TrainJob> = {}) {
  const dataDir = tempDir('cnn-studio-torch-engine-')
  writeTinyMnist(dataDir)
  const engine = createTorchEngine({
    found: fakeFound(python),
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
    document: structuredClone(getTemplate('lenet5-mnist')!.document),
    dataset: { builtin: 'mnist' },
    dataDir,
    hyperparameters: hyperparametersSchema.parse({ epochs: 2 }),
    engine: TORCH,
    ...job,
  }
  engine.postMessage({ type: 'start', job: full })
  return { engine, events, ended, next, folder: torchFolderOf(dataDir, full.runId) }
}

const stub = (o: Parameters<typeof fakePython>[2]) =>
  fakePython(tempDir('cnn-studio-fake-python-'), 'python', o)
const done = (events: RunEvent[]) => events.at(-1) as Extract<RunEvent, { type: 'done' }>

describe.skipIf(process.platform === 'win32')('the PyTorch engine (stand-in pythons)', () => {
  it('fails a run whose python crashes without done, with the last lines it wrote on stderr', async () => {
    const traceback = [
      'Traceback (most recent call last):',
      '  File "train.py", line 1, in <module>',
      'RuntimeError: CUDA error: an illegal memory access was encountered',
    ].join('\n')
    const seen = path.join(tempDir('cnn-studio-seen-'), 'initial.safetensors')
    const shell = `cp initial-weights.safetensors '${seen}'`
    const run = start(stub({ shell, stdout: STARTED, stderr: traceback, code: 1 }))
    expect(await run.ended).toBe(1)
    expect(run.events.map((e) => e.type)).toEqual(['started', 'done'])
    expect(run.events[0]).toMatchObject({ backend: 'pytorch', device: 'CPU: 2 threads via PyTorch 1.13.0' })
    expect(done(run.events)).toEqual({
      type: 'done',
      status: 'failed',
      message: `PyTorch failed: python exited with status 1 before the run ended.\n${traceback}`,
      test: null,
    })
    // python started from the initial weights a TF.js run of the same seed draws, as model.py's state dict.
    const { tf } = await loadBackend({ force: 'cpu' })
    const doc = getTemplate('lenet5-mnist')!.document
    const { model } = buildModel(tf, doc, { seed: 1 })
    const expected = encodeSafetensors(toStateDict(planModel(doc), await getWeights(model)))
    model.dispose()
    expect(Buffer.from(readFileSync(seen)).equals(Buffer.from(expected))).toBe(true)
    // The run's folder keeps what there is to look at, not the scratch.
    expect(readdirSync(run.folder.root).sort()).toEqual([
      'config.json',
      'control',
      'model.py',
      'safetensors_io.py',
      'train.py',
    ])
  })

  it('fails a run whose python exits without a word, and one that writes a line the app cannot read', async () => {
    const silent = start(stub({ code: 3 }))
    expect(await silent.ended).toBe(3)
    expect(done(silent.events).message).toBe(
      'PyTorch failed: python exited with status 3 before the run ended. It wrote nothing on stderr.',
    )
    const bad = start(
      stub({ stdout: `a library's words\n${STARTED}\n{"type":"batch","epoch":1}`, sleepS: 30 }),
    )
    await bad.ended
    expect(done(bad.events)).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^PyTorch failed: train.py printed an event this app does not know/),
    })
    expect(done(bad.events).message).toContain('{"type":"batch","epoch":1}')
  })

  it('ends python at once when terminated, and fails before python when the dataset cannot be decoded', async () => {
    const hung = start(stub({ stdout: STARTED, sleepS: 30 }))
    await hung.next((e) => e.type === 'started')
    const t = performance.now()
    await hung.engine.terminate()
    expect(performance.now() - t).toBeLessThan(3000)
    expect(await hung.ended).toBe(1)
    expect(hung.events.map((e) => e.type)).toEqual(['started'])

    const missing = start(stub({ code: 0 }), { dataset: { folder: '/nonexistent/images' } })
    await missing.ended
    expect(missing.events).toEqual([
      { type: 'done', status: 'failed', message: expect.stringContaining('/nonexistent/images'), test: null },
    ])
    const stopped = start(stub({ code: 0 }))
    stopped.engine.postMessage({ type: 'stop' })
    await stopped.ended
    expect(stopped.events).toEqual([
      { type: 'done', status: 'stopped', message: 'Stopped before training started.', test: null },
    ])
  })
})

describe('the command that starts train.py', () => {
  it('is python train.py for one process, torch.distributed.run on a port of its own for several', () => {
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
        '--weights',
        f.initialWeights,
      ],
    })
    const two = torchCommand(
      fakeFound('/usr/bin/python3'),
      { name: 'pytorch', processes: 2, device: 'auto' },
      f,
      { port: 40123, resume: true, threads: 1 },
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
