import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import {
  fakeEngine,
  lenetProject,
  servicesWithEvents,
  writeTinyMnist,
} from '../../src/main/services/test-kit'
import type { Services } from '../../src/main/services'
import {
  BIN,
  duplicates,
  holdWriteLock,
  integrity,
  jsonLines,
  metricKeys,
  mountTmpfs,
  resizeTmpfs,
  unmount,
} from './fault-test-kit'

/**
 * The database cannot be written while a run trains: the disk is full, or another program holds
 * the write lock. The process survives, the run ends `failed` with what to do, its last good
 * checkpoint stays, other requests are answered, and the run resumes once the cause is gone.
 */
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()))
})

const KB = 1024

describe('a full disk', () => {
  it('fails the run with "the database is full", keeps its checkpoint, answers requests, and resumes once space is freed', async () => {
    // SQLite's own size limit gives a real SQLITE_FULL on any machine: the database may grow by
    // 400 KB, so the first 256 KB checkpoint fits and the second (written before the first is
    // pruned) does not.
    const engine = fakeEngine({ checkpointBytes: 256 * KB, batches: 4 })
    const s = servicesWithEvents({ training: { spawn: engine.spawn } })
    closers.push(() => s.services.close())
    const projectId = await lenetProject(s.services)
    const pages = s.db.pragma('page_count', { simple: true }) as number
    s.db.pragma(`max_page_count = ${pages + 100}`)
    const run = await s.services['training.start']({
      projectId,
      dataset: { builtin: 'mnist' },
      hyperparameters: { epochs: 4 },
    })
    const failed = await s.services.settled(run.id)
    expect(failed).toMatchObject({ status: 'failed', epochsDone: 1, resumable: true })
    expect(failed.message).toMatch(/^The database is full/)
    expect(failed.message).toMatch(
      /free space .* then resume this run: it continues from the epoch 1 checkpoint/i,
    )
    const stored = await s.services['runs.get']({ runId: run.id })
    expect(stored.status).toBe('failed')
    expect(stored.checkpoints.map((c) => c.epoch)).toEqual([1])
    // Other requests are answered meanwhile.
    expect(await s.services['projects.list']({})).toHaveLength(1)
    expect((await s.services['runs.list']({ id: projectId })).map((r) => r.status)).toEqual(['failed'])

    s.db.pragma('max_page_count = 1073741823')
    await s.services['training.resume']({ runId: run.id })
    const final = await s.services.settled(run.id)
    expect(final).toMatchObject({ status: 'finished', epochsDone: 4, message: null })
    const detail = await s.services['runs.get']({ runId: run.id })
    expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4])
    expect(detail.batches.map((b) => b.step)).toEqual([...Array(16).keys()].map((i) => i + 1))
    expect(jobsResumedFrom(engine.jobs)).toEqual([undefined, 1])
  })

  const disk = mkdtempSync(path.join(tmpdir(), 'cnn-studio-tmpfs-'))
  const mounted = mountTmpfs(disk, '3m')
  afterAll(() => mounted && unmount(disk))

  it.skipIf(!mounted)(
    'on a real 3 MB disk: `cnn-studio train` ends with the reason instead of crashing, and `--resume` finishes after space is freed',
    () => {
      writeTinyMnist(disk, 300, 60)
      const train = (args: string[]) =>
        spawnSync(process.execPath, [BIN, 'train', ...args, '--data', disk, '--json'], {
          encoding: 'utf8',
          timeout: 120_000,
        })
      const first = train(['lenet5-mnist', '--dataset', 'mnist', '--epochs', '8'])
      expect(first.stderr).not.toMatch(/SqliteError|at .*\.ts:\d+/)
      const summary = jsonLines(first.stdout).at(-1)!
      expect(summary).toMatchObject({ status: 'failed' })
      expect(summary.message).toMatch(/^The database is full/)
      expect(first.status).toBe(1)
      const runId = summary.runId as string
      const kept = summary.epochs as number
      expect(kept).toBeGreaterThanOrEqual(1)
      expect(kept).toBeLessThan(8)

      const db = path.join(disk, 'cnn-studio.db')
      expect(integrity(db)).toBe('ok')
      // The failure is stored (the rolled-back checkpoint freed the WAL space a status needs).
      expect(storedRun(db, runId)).toMatchObject({ status: 'failed', resumable: 1, epochs_done: kept })
      resizeTmpfs(disk, '64m')
      const resumed = train(['--resume', runId])
      expect(jsonLines(resumed.stdout).at(-1)).toMatchObject({ runId, status: 'finished', epochs: 8 })
      expect(jsonLines(resumed.stdout)[0]).toMatchObject({ epoch: kept + 1 })
      expect(duplicates(metricKeys(db, runId))).toEqual([])
      expect(integrity(db)).toBe('ok')
    },
    240_000,
  )
})

describe('another program holding the write lock', () => {
  function lockedSetup() {
    const engine = fakeEngine({ batches: 10, intervalMs: 30 })
    const s = servicesWithEvents({ training: { spawn: engine.spawn } })
    closers.push(() => s.services.close())
    // Short, so that the test is: SQLite waits this long, then the supervisor retries twice.
    s.db.pragma('busy_timeout = 300')
    return { ...s, file: path.join(s.dir, 'cnn-studio.db') }
  }

  /** LeNet-5 on the tiny MNIST for three epochs (ten batches each). */
  async function startThreeEpochs(services: Services) {
    const projectId = await lenetProject(services)
    return services['training.start']({
      projectId,
      dataset: { builtin: 'mnist' },
      hyperparameters: { epochs: 3 },
    })
  }

  it('for a moment: the run waits, then goes on; nothing is lost', async () => {
    const s = lockedSetup()
    const run = await startThreeEpochs(s.services)
    await s.next((e) => e === 'training.batch')
    const lock = await holdWriteLock(s.file, 700)
    const final = await s.services.settled(run.id)
    await lock.released
    expect(final).toMatchObject({ status: 'finished', epochsDone: 3 })
    const detail = await s.services['runs.get']({ runId: run.id })
    expect(detail.batches.map((b) => b.step)).toEqual([...Array(30).keys()].map((i) => i + 1))
    expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2, 3])
  })

  it('for longer than the timeout: the run fails saying so, and resumes once the lock is gone', async () => {
    const s = lockedSetup()
    const run = await startThreeEpochs(s.services)
    await s.next((e) => e === 'training.epoch')
    const lock = await holdWriteLock(s.file, 3_000)
    const failed = await s.services.settled(run.id)
    expect(failed.status).toBe('failed')
    expect(failed.message).toMatch(/^Another program holds the database .*cnn-studio\.db locked/)
    expect(failed.message).toMatch(/then resume this run/)
    expect(await s.services['projects.list']({})).toHaveLength(1)
    await lock.released
    // The failure is stored once the lock is gone.
    for (let i = 0; (await s.services['runs.get']({ runId: run.id })).status !== 'failed'; i++) {
      if (i > 50) throw new Error('the failure was never stored')
      await new Promise((r) => setTimeout(r, 100))
    }
    await s.services['training.resume']({ runId: run.id })
    expect(await s.services.settled(run.id)).toMatchObject({ status: 'finished', epochsDone: 3 })
    const detail = await s.services['runs.get']({ runId: run.id })
    expect(detail.batches.map((b) => b.step)).toEqual([...Array(30).keys()].map((i) => i + 1))
    expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2, 3])
  })
})

function storedRun(file: string, runId: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return db.prepare('SELECT status, resumable, epochs_done FROM runs WHERE id = ?').get(runId)
  } finally {
    db.close()
  }
}

function jobsResumedFrom(jobs: { resume?: { checkpoint: { epoch: number } } }[]) {
  return jobs.map((j) => j.resume?.checkpoint.epoch)
}
