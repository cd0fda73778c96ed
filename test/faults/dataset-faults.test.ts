import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { DatasetRef } from '../../src/shared/api/training'
import { tempDir } from '../../src/main/db/test-kit'
import { idxBytes } from '../../src/main/datasets/test-kit'
import { fakeEngine, lenetProject, servicesWithEvents } from '../../src/main/services/test-kit'
import { BIN, jsonLines } from './fault-test-kit'

/**
 * A dataset that is missing, unreadable or does not fit the graph is refused by `training.start`
 * (`invalid`, with what to fix) before a run exists, as a graph error is; `runs.list` is unchanged.
 * Only headers and listings are read for this.
 */
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()))
})

function setup() {
  const engine = fakeEngine()
  const s = servicesWithEvents({ training: { spawn: engine.spawn } })
  closers.push(() => s.services.close())
  return { ...s, engine }
}

/** A folder of class sub-folders, each holding one (unread) file. */
function imageFolder(classes: string[]): string {
  const dir = tempDir('cnn-studio-images-')
  for (const c of classes) {
    mkdirSync(path.join(dir, c))
    writeFileSync(path.join(dir, c, 'a.png'), 'not read by the check')
  }
  return dir
}

describe('training.start refuses a dataset before a run exists', () => {
  const cases: [string, (dir: string) => DatasetRef, RegExp][] = [
    [
      'a built-in not on this machine',
      () => ({ builtin: 'cifar10' }),
      /^CIFAR-10 is not on this machine\. Download it/,
    ],
    [
      'a folder that does not exist',
      (dir) => ({ folder: path.join(dir, 'nowhere') }),
      /nowhere does not exist\. Choose a folder with one sub-folder of images per class\./,
    ],
    [
      'a folder with one class',
      () => ({ folder: imageFolder(['cats']) }),
      /has only one class sub-folder \(cats\): a classifier needs at least two/,
    ],
    [
      'a folder whose classes the graph does not predict',
      () => ({ folder: imageFolder(['a', 'b', 'c']) }),
      /does not fit this graph: .* has 3 classes but the Output node predicts 10\. Set the Output's classes/,
    ],
    [
      'a damaged IDX header',
      (dir) => {
        writeFileSync(path.join(dir, 'datasets', 'mnist', 'train-images-idx3-ubyte'), 'garbage!')
        return { builtin: 'mnist' }
      },
      /train-images-idx3-ubyte: not an IDX file/,
    ],
    [
      'IDX images of another size',
      (dir) => {
        const mnist = path.join(dir, 'datasets', 'mnist')
        writeFileSync(
          path.join(mnist, 'train-images-idx3-ubyte'),
          idxBytes([20, 32, 32], new Uint8Array(20 * 32 * 32)),
        )
        writeFileSync(
          path.join(mnist, 't10k-images-idx3-ubyte'),
          idxBytes([10, 32, 32], new Uint8Array(10 * 32 * 32)),
        )
        return { builtin: 'mnist' }
      },
      /MNIST images are 32×32 but the Input node takes 28×28\. Set the Input to 32×32\./,
    ],
  ]
  for (const [what, ref, message] of cases)
    it(what, async () => {
      const { services, dir, engine } = setup()
      const projectId = await lenetProject(services)
      await expect(
        (async () => services['training.start']({ projectId, dataset: ref(dir), hyperparameters: {} }))(),
      ).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(message) })
      expect(await services['runs.list']({ id: projectId })).toEqual([])
      expect(engine.jobs).toEqual([])
    })

  it('a graph whose Input has other channels than the dataset', async () => {
    const { services, engine } = setup()
    const projectId = await lenetProject(services)
    const opened = await services['projects.open']({ id: projectId })
    const rgb = structuredClone(opened.document)
    rgb.nodes.find((n) => n.kind === 'Input')!.params = { height: 28, width: 28, channels: 3 }
    await services['projects.save']({ id: projectId, document: rgb })
    await expect(
      (async () =>
        services['training.start']({ projectId, dataset: { builtin: 'mnist' }, hyperparameters: {} }))(),
    ).rejects.toMatchObject({
      code: 'invalid',
      message:
        "MNIST does not fit this graph: MNIST has 1 channel (grayscale) but the Input node takes 3. Set the Input's channels to 1.",
    })
    expect(await services['runs.list']({ id: projectId })).toEqual([])
    expect(engine.jobs).toEqual([])
  })
})

describe('a dataset whose fault shows only when it is loaded', () => {
  it('fails the run with that reason, and the command line says so (not "0 epochs on null")', () => {
    const data = tempDir()
    const dir = path.join(data, 'datasets', 'mnist')
    mkdirSync(dir, { recursive: true })
    const images = (n: number) => idxBytes([n, 28, 28], new Uint8Array(n * 784))
    writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), images(20))
    writeFileSync(
      path.join(dir, 'train-labels-idx1-ubyte'),
      idxBytes(
        [20],
        Array.from({ length: 20 }, (_, i) => (i === 7 ? 12 : i % 10)),
      ),
    )
    writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), images(10))
    writeFileSync(
      path.join(dir, 't10k-labels-idx1-ubyte'),
      idxBytes(
        [10],
        Array.from({ length: 10 }, (_, i) => i),
      ),
    )
    const r = spawnSync(
      process.execPath,
      [BIN, 'train', 'lenet5-mnist', '--dataset', 'mnist', '--data', data],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    )
    expect(r.status).toBe(1)
    expect(r.stdout).not.toMatch(/null/)
    expect(r.stdout).toMatch(
      /^failed before training started\n.*train-labels-idx1-ubyte: label 12 at position 7 is not a class of MNIST/m,
    )
    const json = spawnSync(
      process.execPath,
      [BIN, 'train', 'lenet5-mnist', '--dataset', 'mnist', '--data', data, '--json'],
      { encoding: 'utf8', timeout: 120_000 },
    )
    expect(jsonLines(json.stdout).at(-1)).toMatchObject({
      status: 'failed',
      epochs: 0,
      message: expect.stringMatching(/label 12/),
    })
  }, 120_000)
})
