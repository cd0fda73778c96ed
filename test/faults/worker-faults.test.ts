import { afterEach, describe, expect, it } from 'vitest'
import { fakeEngine, lenetProject, servicesWithEvents } from '../../src/main/services/test-kit'

/**
 * A training engine that throws, hangs, misbehaves or cannot start never takes the services down
 * or leaves a run behind as queued or running. The engine is the stand-in of services/test-kit.ts
 * (the supervisor is engine-agnostic), so these run in a second.
 */
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()))
})

function setup(engine: ReturnType<typeof fakeEngine>, closeTimeoutMs = 5_000) {
  const s = servicesWithEvents({ training: { spawn: engine.spawn, closeTimeoutMs } })
  closers.push(() => s.services.close())
  return s
}

const start = async (s: ReturnType<typeof setup>, epochs = 2) =>
  s.services['training.start']({
    projectId: await lenetProject(s.services),
    dataset: { builtin: 'mnist' },
    hyperparameters: { epochs },
  })

describe('a training engine that fails', () => {
  it('throws: the run fails with its message, and the services go on training', async () => {
    const engine = fakeEngine({ throwAt: 3, throwMessage: 'the kernel exploded' })
    const s = setup(engine)
    const run = await start(s)
    const failed = await s.services.settled(run.id)
    expect(failed.status).toBe('failed')
    expect(failed.message).toBe('The training worker crashed: the kernel exploded')
    // Step 3's batch may arrive after the crash is reported: then, coming after the end, it is dropped.
    const steps = (await s.services['runs.get']({ runId: run.id })).batches.map((b) => b.step)
    expect([
      [1, 2],
      [1, 2, 3],
    ]).toContainEqual(steps)

    const healthy = fakeEngine()
    const t = setup(healthy)
    const next = await start(t)
    expect((await t.services.settled(next.id)).status).toBe('finished')
  })

  it('cannot start: training.start answers unavailable and no run is written', async () => {
    const s = servicesWithEvents({
      training: {
        spawn: () => {
          throw new Error('the worker bundle is missing')
        },
      },
    })
    closers.push(() => s.services.close())
    const projectId = await lenetProject(s.services)
    await expect(
      (async () =>
        s.services['training.start']({ projectId, dataset: { builtin: 'mnist' }, hyperparameters: {} }))(),
    ).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/training worker could not start: the worker bundle is missing/),
    })
    expect(await s.services['runs.list']({ id: projectId })).toEqual([])
  })

  it('reports after done: what comes after the end is not written', async () => {
    const late = {
      type: 'batch',
      epoch: 9,
      batch: 1,
      batches: 1,
      step: 99,
      loss: 1,
      samplesPerSecond: 1,
      etaSeconds: 0,
    }
    const s = setup(
      fakeEngine({
        afterDone: [
          late,
          {
            type: 'epoch',
            metrics: { epoch: 9, trainLoss: 1, trainAccuracy: 0, learningRate: 1, samplesPerSecond: 1 },
          },
        ],
      }),
    )
    const run = await start(s)
    expect((await s.services.settled(run.id)).status).toBe('finished')
    await new Promise((r) => setTimeout(r, 200))
    const detail = await s.services['runs.get']({ runId: run.id })
    expect(detail.batches.map((b) => b.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2])
    expect(s.events.filter((e) => e.event === 'training.batch')).toHaveLength(8)
  })

  it('hangs: close() stops waiting after its timeout, ends the worker and leaves the run resumable', async () => {
    const engine = fakeEngine({ ignoreStop: true, intervalMs: 20 })
    const s = servicesWithEvents({ training: { spawn: engine.spawn, closeTimeoutMs: 300 } })
    const run = await start(s, 1000)
    await s.next((e) => e === 'training.epoch')
    const began = performance.now()
    await s.services.close()
    expect(performance.now() - began).toBeLessThan(3_000)
    const stored = await s.services['runs.get']({ runId: run.id })
    expect(stored.status).toBe('stopped')
    expect(stored.message).toMatch(/did not stop within 0\.3 s .* it was ended/)
    expect(stored.epochsDone).toBeGreaterThanOrEqual(1)
  })
})

describe('storing the end of a run fails', () => {
  it('the run is failed with the reason, the services stay up and close() returns', async () => {
    const s = setup(fakeEngine())
    // The database refuses to record the run as finished (a fault injected inside SQLite).
    s.db.exec(`CREATE TEMP TRIGGER refuse_finished BEFORE UPDATE OF status ON main.runs
      WHEN NEW.status = 'finished' BEGIN SELECT RAISE(FAIL, 'injected: cannot record the end'); END`)
    const run = await start(s)
    const ended = await s.services.settled(run.id)
    expect(ended.status).toBe('failed')
    expect(ended.message).toMatch(/injected: cannot record the end/)
    expect(ended.epochsDone).toBe(2)
    expect(await s.services['projects.list']({})).toHaveLength(1)
    const closing = s.services.close()
    await expect(
      Promise.race([closing, new Promise((r) => setTimeout(() => r('hung'), 3_000))]),
    ).resolves.toBe(undefined)
  })
})
