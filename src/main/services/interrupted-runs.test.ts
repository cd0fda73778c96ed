import { spawn, spawnSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { hyperparametersSchema } from '../../shared/api/training'
import { emptyDocument } from '../../shared/graph/document'
import { createGraphVersionsRepo } from '../db/graph-versions-repo'
import { createProjectsRepo } from '../db/projects-repo'
import { createRunsRepo } from '../db/runs-repo'
import { openTestDb } from '../db/test-kit'
import { interruptOrphanedRuns } from './interrupted-runs'

const T0 = Date.parse('2026-03-01T12:00:00.000Z')
const at = (ms: number) => new Date(T0 + ms).toISOString()

const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' })
afterAll(() => alive.kill())
// A process id that belonged to a process now gone.
const gone = spawnSync(process.execPath, ['-e', '0']).pid

function setup() {
  const { db } = openTestDb()
  createProjectsRepo(db).insert({
    id: 'p',
    name: 'P',
    createdAt: at(0),
    updatedAt: at(0),
    lastOpenedAt: null,
    viewState: null,
  })
  const versionId = createGraphVersionsRepo(db).append('p', emptyDocument(), at(0))
  const h = hyperparametersSchema.parse({})
  /** A live run claimed by `owner` (process `pid`), last heard of at `beat` ms. */
  const run = (id: string, owner: string, pid: number, beat: number) => {
    const repo = createRunsRepo(db, { pid, id: owner })
    repo.create({
      id,
      versionId,
      dataset: { builtin: 'mnist' },
      datasetName: 'mnist',
      hyperparameters: h,
      macs: 1,
      now: at(beat),
    })
  }
  const statusOf = (id: string) => createRunsRepo(db).get(id)!
  return { db, run, statusOf, runs: createRunsRepo(db, { pid: process.pid, id: 'me' }) }
}

describe('interruptOrphanedRuns', () => {
  it('leaves alone the runs someone trains, and interrupts the others with why', () => {
    const { run, runs, statusOf, db } = setup()
    run('mine-training', 'me', process.pid, 0)
    run('mine-not-training', 'me', process.pid, 0)
    run('other-instance-here', 'instance 2', process.pid, 0)
    run('other-process-fresh', 'elsewhere', alive.pid!, 0)
    run('other-process-gone', 'elsewhere', gone, 0)
    run('reused-pid-stale', 'elsewhere', alive.pid!, -120_000)
    run('before-heartbeats', 'x', alive.pid!, -3_600_000)
    db.prepare(`UPDATE runs SET owner_id = NULL, heartbeat_at = NULL WHERE id = 'before-heartbeats'`).run()

    interruptOrphanedRuns(runs, {
      ownerId: 'me',
      runningHere: (id) => id === 'mine-training',
      now: () => at(10_000),
    })

    const kept = ['mine-training', 'other-instance-here', 'other-process-fresh']
    for (const id of kept) expect(statusOf(id).status, id).toBe('queued')
    expect(statusOf('mine-not-training').message).toBe(
      'The process training this run ended (killed or crashed) during epoch 1. Resume it to continue from the start.',
    )
    expect(statusOf('other-process-gone').message).toMatch(/ended \(killed or crashed\)/)
    expect(statusOf('reused-pid-stale').message).toMatch(
      /stopped reporting \(no heartbeat for 2 min\) during epoch 1/,
    )
    expect(statusOf('before-heartbeats').message).toMatch(/no heartbeat for 1 h/)
    for (const id of ['mine-not-training', 'other-process-gone', 'reused-pid-stale', 'before-heartbeats'])
      expect(statusOf(id)).toMatchObject({ status: 'interrupted', resumable: true })
  })

  it('does not interrupt a run that reported again after it was read', () => {
    const { run, runs, statusOf, db } = setup()
    run('r', 'elsewhere', alive.pid!, -120_000)
    const beatingRepo = createRunsRepo(db, { pid: alive.pid!, id: 'elsewhere' })
    const live = runs.live.bind(runs)
    // The owner beats between the read and the write.
    runs.live = () => {
      const rows = live()
      beatingRepo.heartbeat('r', 0, at(9_000))
      return rows
    }
    interruptOrphanedRuns(runs, { ownerId: 'me', runningHere: () => false, now: () => at(10_000) })
    expect(statusOf('r').status).toBe('queued')
  })
})
