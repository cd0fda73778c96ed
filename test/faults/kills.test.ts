import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../src/main/datasets/random'
import { tempDir } from '../../src/main/db/test-kit'
import { writeTinyMnist } from '../../src/main/services/test-kit'
import { BIN, duplicates, integrity, metricKeys } from './fault-test-kit'

/**
 * `cnn-studio train` killed with SIGKILL at random points, again and again: after every kill the
 * database passes `PRAGMA integrity_check` and the run resumes; in the end it finishes with each
 * metric once. The first kill comes before the first checkpoint (a resume from nothing). Real
 * processes and TF.js on a tiny MNIST written here, so it needs nothing installed.
 */
const KILLS = 4
const SEED = 20_251_205
const EPOCHS = 8

interface Row {
  id: string
  status: string
  owner_pid: number | null
  elapsed_ms: number
  checkpoints: number
  /** Batch losses of the epoch under way: written by the process training it now. */
  fresh: number
}

function read(file: string): Row | undefined {
  if (!existsSync(file)) return undefined
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return db
      .prepare<[], Row>(
        `SELECT id, status, owner_pid, elapsed_ms,
          (SELECT count(*) FROM checkpoints c WHERE c.run_id = r.id) AS checkpoints,
          (SELECT count(*) FROM run_metrics m
            WHERE m.run_id = r.id AND m.batch IS NOT NULL AND m.epoch > r.epochs_done) AS fresh
         FROM runs r`,
      )
      .get()
  } catch {
    return undefined // Not migrated yet.
  } finally {
    db.close()
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('a training process killed at random points', () => {
  it(`survives ${KILLS} SIGKILLs: integrity ok after each, and the resumed run finishes without duplicate metrics`, async () => {
    const data = tempDir()
    writeTinyMnist(data, 600, 50)
    const file = path.join(data, 'cnn-studio.db')
    const random = mulberry32(SEED)
    let runId: string | undefined
    let elapsed = 0
    let kills = 0
    for (let k = 0; k < KILLS; k++) {
      const args = runId
        ? ['--resume', runId]
        : ['lenet5-mnist', '--dataset', 'mnist', '--epochs', String(EPOCHS), '--seed', '3']
      const child = spawn(process.execPath, [BIN, 'train', ...args, '--data', data, '--json'], {
        stdio: 'ignore',
        // Heartbeats every 200 ms, so that a killed run's elapsed time is known to within that; one
        // training thread, so that each process starts fast.
        env: { ...process.env, CNN_STUDIO_HEARTBEAT_MS: '200', CNN_STUDIO_TRAIN_THREADS: '1' },
      })
      let code: number | null | undefined
      const exited = new Promise<void>((r) => child.on('exit', (c) => r(void (code = c))))
      // Wait until this process trains (a batch of its own is stored), then kill it: the first time
      // before any checkpoint exists, later after a random 0.25 to 0.7 s (a process that finishes
      // the run first ends the loop).
      for (let i = 0; code === undefined; i++) {
        await sleep(20)
        if (i > 3000) throw new Error('the run never started')
        const row = read(file)
        if (row?.status === 'running' && row.owner_pid === child.pid && row.fresh > 0) break
      }
      if (k > 0) await sleep(250 + random() * 450)
      const row = read(file)!
      if (k === 0) expect(row.checkpoints).toBe(0)
      if (code !== undefined) {
        expect(row.status).toBe('finished')
        break
      }
      child.kill('SIGKILL')
      await exited
      kills++
      expect(integrity(file)).toBe('ok')
      runId = row.id
      // The elapsed time counts the killed process's training up to its last heartbeat (the first
      // process is killed at its first batch, before any heartbeat of its training).
      const after = read(file)!
      if (k > 0) expect(after.elapsed_ms).toBeGreaterThan(elapsed)
      elapsed = after.elapsed_ms
    }

    expect(kills).toBeGreaterThanOrEqual(2)
    if (read(file)!.status !== 'finished') {
      const last = spawn(process.execPath, [BIN, 'train', '--resume', runId!, '--data', data, '--json'], {
        stdio: 'ignore',
      })
      expect(await new Promise((r) => last.on('exit', r))).toBe(0)
    }
    expect(integrity(file)).toBe('ok')
    const final = read(file)!
    expect(final.status).toBe('finished')
    const keys = metricKeys(file, runId!)
    expect(duplicates(keys)).toEqual([])
    const epochs = keys.filter(
      ([, batch, kind, name]) => batch === null && kind === 'train' && name === 'loss',
    )
    expect(epochs.map(([epoch]) => epoch)).toEqual([...Array(EPOCHS).keys()].map((i) => i + 1))
  }, 120_000)
})
