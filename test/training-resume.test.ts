import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openDataDatabase } from '../src/main/db/open'
import { tempDir } from '../src/main/db/test-kit'
import { createServices } from '../src/main/services'

/**
 * A training process killed with SIGKILL mid-epoch: the run is found interrupted, resumes from its
 * last checkpoint, and ends with the same metrics history as a run that was never interrupted.
 * Real processes (the `cnn-studio` command), the real wasm backend, the real Fashion-MNIST.
 */
const BIN = fileURLToPath(new URL('../bin/cnn-studio.js', import.meta.url))
const FASHION = '/usr/share/datasets/fashion-mnist'
const ARGS = ['--dataset', 'fashion-mnist', '--epochs', '2', '--limit', '12000', '--seed', '7', '--json']

const lines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
const timeless = (e: Record<string, unknown>): Record<string, unknown> => ({
  ...e,
  samplesPerSecond: 0,
  runId: '',
})

function train(data: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'train', ...args, '--data', data], {
    encoding: 'utf8',
    timeout: 240_000,
  })
  if (r.status !== 0) throw new Error(`cnn-studio train failed (${r.status}): ${r.stderr}`)
  return lines(r.stdout)
}

if (process.env.CNN_STUDIO_REQUIRE_FASHION_MNIST && !existsSync(FASHION))
  throw new Error(`${FASHION} is missing: apt-get install dataset-fashion-mnist (CI installs it).`)

describe.skipIf(!existsSync(FASHION))('a training process killed mid-epoch', () => {
  it('is found interrupted and resumes from its checkpoint with the same metrics history', async () => {
    const whole = train(tempDir(), ['lenet5-mnist', ...ARGS])
    expect(whole.at(-1)).toMatchObject({ status: 'finished', epochs: 2 })

    const data = tempDir()
    const child = spawn(process.execPath, [BIN, 'train', 'lenet5-mnist', ...ARGS, '--data', data], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.on('data', (d) => (stdout += d))
    const exited = new Promise((r) => child.on('exit', r))
    // Kill once the epoch 1 checkpoint is stored and epoch 2 is under way (its batch losses are).
    const db = () => new Database(path.join(data, 'cnn-studio.db'), { readonly: true, fileMustExist: true })
    for (let i = 0; ; i++) {
      await new Promise((r) => setTimeout(r, 100))
      if (i > 1200) throw new Error(`no checkpoint after 120 s; output: ${stdout}`)
      if (!existsSync(path.join(data, 'cnn-studio.db'))) continue
      const handle = db()
      const row = handle
        .prepare(
          `SELECT (SELECT count(*) FROM checkpoints) AS checkpoints, (SELECT count(*) FROM run_metrics WHERE epoch = 2 AND batch IS NOT NULL) AS batches`,
        )
        .get() as { checkpoints: number; batches: number }
      handle.close()
      if (row.checkpoints >= 1 && row.batches >= 1) break
    }
    child.kill('SIGKILL')
    await exited
    const runId = lines(stdout)[0].runId as string

    const services = createServices({ dataDir: data, db: openDataDatabase(data) })
    const found = await services['runs.get']({ runId })
    expect(found.status).toBe('interrupted')
    expect(found.message).toMatch(
      /ended \(killed or crashed\) during epoch 2\. Resume it to continue from the epoch 1 checkpoint/,
    )
    expect(found.epochsDone).toBe(1)
    await services.close()

    const resumed = train(data, ['--resume', runId, '--json'])
    expect(resumed.at(-1)).toMatchObject({ runId, status: 'finished', epochs: 2 })
    const after = createServices({ dataDir: data, db: openDataDatabase(data) })
    const detail = await after['runs.get']({ runId })
    expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2])
    // The dataset is registered with its content hash, which the run records.
    const registry = db()
    expect(registry.prepare('SELECT id, samples, content_hash AS hash FROM datasets').all()).toEqual([
      { id: 'fashion-mnist', samples: 70_000, hash: detail.dataset!.hash },
    ])
    registry.close()
    expect(detail.dataset).toMatchObject({ id: 'fashion-mnist', name: 'Fashion-MNIST' })
    // Epoch 1 is the killed process's own record, kept as it was.
    const killedEpoch1 = lines(stdout)[0]
    expect(detail.epochs[0].trainLoss).toBe(killedEpoch1.trainLoss)
    expect(detail.epochs[0].valAccuracy).toBe(killedEpoch1.valAccuracy)
    // The whole history matches the uninterrupted run: epoch 1 exactly; after the resume to
    // float32 rounding (Adam's restored bias correction is pow(β, t) rather than a running product).
    const wholeEpochs = whole.slice(0, 2).map(timeless)
    expect(detail.epochs[0].trainLoss).toBe(wholeEpochs[0].trainLoss)
    expect(detail.epochs[1].trainLoss).toBeCloseTo(wholeEpochs[1].trainLoss as number, 2)
    expect(detail.epochs[1].valLoss!).toBeCloseTo(wholeEpochs[1].valLoss as number, 2)
    expect(detail.testAccuracy!).toBeCloseTo(whole.at(-1)!.testAccuracy as number, 2)
    await after.close()
  }, 600_000)

  it('a run that cannot be resumed says why', () => {
    const r = spawnSync(process.execPath, [BIN, 'train', '--resume', 'no-such-run', '--data', tempDir()], {
      encoding: 'utf8',
    })
    expect(r.stderr).toMatch(/No run with id 'no-such-run'/)
    expect(r.status).toBe(2)
  })
})
