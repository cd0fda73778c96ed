import { spawn } from 'node:child_process'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { openDataDatabase } from '../../src/main/db/open'
import { fakeEngine, lenetProject, servicesWithEvents } from '../../src/main/services/test-kit'

/**
 * Whether a stored run is still being trained is its heartbeat, not its owner's process id alone:
 * a reused process id (likely after a reboot) does not keep a dead run "running" forever, and two
 * service instances in one process do not mark each other's runs dead.
 */
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()))
})

// A live process that is not the trainer: its id stands for a reused one.
const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' })
afterAll(() => sleeper.kill())

/** A run stopped after one epoch, then stored as if `owner` trained it, last heard of at `beat`. */
async function runOwnedElsewhere(beat: Date) {
  const engine = fakeEngine({ intervalMs: 20 })
  const a = servicesWithEvents({ training: { spawn: engine.spawn } })
  const run = await a.services['training.start']({
    projectId: await lenetProject(a.services),
    dataset: { builtin: 'mnist' },
    hyperparameters: { epochs: 5 },
  })
  await a.next((e) => e === 'training.epoch')
  await new Promise((r) => setTimeout(r, 50))
  await a.services['training.stop']({ runId: run.id })
  expect((await a.services.settled(run.id)).epochsDone).toBeGreaterThanOrEqual(1)
  await a.services.close()
  a.db
    .prepare(
      `UPDATE runs SET status = 'running', owner_pid = ?, owner_id = 'another process', heartbeat_at = ?, elapsed_ms = 4321 WHERE id = ?`,
    )
    .run(sleeper.pid, beat.toISOString(), run.id)
  a.db.close()
  const b = servicesWithEvents({ dir: a.dir, training: { spawn: fakeEngine().spawn } })
  closers.push(() => b.services.close())
  return { runId: run.id, b }
}

describe('a run whose owner process id is alive', () => {
  it('but whose heartbeat is stale is interrupted, keeps its elapsed time, and resumes', async () => {
    const { runId, b } = await runOwnedElsewhere(new Date(Date.now() - 10 * 60_000))
    const found = await b.services['runs.get']({ runId })
    expect(found.status).toBe('interrupted')
    expect(found.message).toMatch(
      /stopped reporting \(no heartbeat for 10 min\) during epoch \d+\. Resume it/,
    )
    expect(found.elapsedMs).toBe(4321)
    expect(found.resumable).toBe(true)
    await b.services['training.resume']({ runId })
    expect(await b.services.settled(runId)).toMatchObject({ status: 'finished', epochsDone: 5 })
    expect((await b.services['runs.get']({ runId })).elapsedMs).toBeGreaterThan(4321)
  })

  it('with a fresh heartbeat is left alone: it is not resumed twice', async () => {
    const { runId, b } = await runOwnedElsewhere(new Date())
    expect((await b.services['runs.get']({ runId })).status).toBe('running')
    await expect((async () => b.services['training.resume']({ runId }))()).rejects.toMatchObject({
      code: 'conflict',
    })
  })
})

describe('two service instances in one process over one database', () => {
  it("do not mark each other's live runs interrupted", async () => {
    const a = servicesWithEvents({
      training: { spawn: fakeEngine({ intervalMs: 20 }).spawn, heartbeatMs: 50 },
    })
    closers.push(() => a.services.close())
    const run = await a.services['training.start']({
      projectId: await lenetProject(a.services),
      dataset: { builtin: 'mnist' },
      hyperparameters: { epochs: 3 },
    })
    await a.next((e) => e === 'training.batch')
    const b = servicesWithEvents({ dir: a.dir, db: openDataDatabase(a.dir) })
    closers.push(async () => {
      await b.services.close()
      b.db.close()
    })
    const seen = await b.services['runs.get']({ runId: run.id })
    expect(seen.status).toBe('running')
    expect(await a.services.settled(run.id)).toMatchObject({ status: 'finished', epochsDone: 3 })
  })
})
