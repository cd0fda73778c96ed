import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { EventName } from '../../shared/api/contract'
import { openTestDb } from '../db/test-kit'
import { fakeEngine, lenetProject, servicesWithEvents, wideLenetProject } from './test-kit'

/** The training service with real worker threads, the wasm backend and the real Fashion-MNIST. */
function setup() {
  const { dir, db } = openTestDb()
  return servicesWithEvents({ dir, db })
}

const status = (s: string) => (e: EventName, p: unknown) =>
  e === 'training.status' && (p as { status: string }).status === s

describe.skipIf(!existsSync('/usr/share/datasets/fashion-mnist'))('training service', () => {
  it('pauses between batches, resumes, and finishes with events and stored metrics', async () => {
    const { services, events, next } = setup()
    const { project } = await services['projects.create']({ name: 'p', template: 'lenet5-mnist' })
    const run = await services['training.start']({
      projectId: project.id,
      dataset: { builtin: 'fashion-mnist' },
      hyperparameters: { epochs: 2, limit: 6000 },
      backend: 'wasm',
    })
    expect(run.status).toBe('queued')
    await next((e) => e === 'training.batch')
    await services['training.pause']({ runId: run.id })
    await next(status('paused'))
    const batchesAtPause = events.filter((e) => e.event === 'training.batch').length
    await new Promise((r) => setTimeout(r, 400))
    expect(events.filter((e) => e.event === 'training.batch').length).toBe(batchesAtPause)
    expect((await services['runs.get']({ runId: run.id })).status).toBe('paused')
    await services['training.resume']({ runId: run.id })
    const final = await services.settled(run.id)
    expect(final).toMatchObject({ status: 'finished', epochsDone: 2, backend: 'wasm' })
    expect(final.testAccuracy).toBeGreaterThan(0.6)
    const statuses = events
      .filter((e) => e.event === 'training.status')
      .map((e) => (e.payload as { status: string }).status)
    expect(statuses).toEqual(['queued', 'running', 'paused', 'running', 'finished'])
    expect(events.filter((e) => e.event === 'training.epoch')).toHaveLength(2)
    const detail = await services['runs.get']({ runId: run.id })
    expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2])
    expect(detail.checkpoints.length).toBeGreaterThanOrEqual(1)
    expect(detail.classes[0]).toBe('T-shirt/top')
    await services.close()
  }, 120_000)

  it('a stopped run keeps its checkpoint and resumes from it', async () => {
    const { services, next } = setup()
    const { project } = await services['projects.create']({ name: 'p', template: 'lenet5-mnist' })
    const run = await services['training.start']({
      projectId: project.id,
      dataset: { builtin: 'fashion-mnist' },
      hyperparameters: { epochs: 3, limit: 3000 },
    })
    await next((e) => e === 'training.epoch')
    await services['training.stop']({ runId: run.id })
    const stopped = await services.settled(run.id)
    expect(stopped.status).toBe('stopped')
    expect(stopped.message).toBe('Stopped by the user.')
    expect(stopped.epochsDone).toBeGreaterThanOrEqual(1)
    await services['training.resume']({ runId: run.id })
    const final = await services.settled(run.id)
    expect(final).toMatchObject({ status: 'finished', epochsDone: 3 })
    expect((await services['runs.get']({ runId: run.id })).epochs.map((e) => e.epoch)).toEqual([1, 2, 3])
    await services.close()
  }, 120_000)

  it('refuses an untrainable graph, and a dataset that does not fit it, before a run exists', async () => {
    const { services } = setup()
    const { project } = await services['projects.create']({ name: 'p', template: 'lenet5-mnist' })
    const opened = await services['projects.open']({ id: project.id })
    const doc = structuredClone(opened.document)
    doc.nodes.find((n) => n.kind === 'Output')!.params = { classes: 7 }
    await services['projects.save']({ id: project.id, document: doc })
    await expect(
      (async () =>
        services['training.start']({
          projectId: project.id,
          dataset: { builtin: 'fashion-mnist' },
          hyperparameters: {},
        }))(),
    ).rejects.toThrow(/cannot be trained:\n- output: Output expects 7 classes/)
    expect(await services['runs.list']({ id: project.id })).toEqual([])

    const rgb = structuredClone(opened.document)
    rgb.nodes.find((n) => n.kind === 'Input')!.params = { height: 28, width: 28, channels: 3 }
    await services['projects.save']({ id: project.id, document: rgb })
    await expect(
      (async () =>
        services['training.start']({
          projectId: project.id,
          dataset: { builtin: 'fashion-mnist' },
          hyperparameters: {},
        }))(),
    ).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(
        /Fashion-MNIST has 1 channel \(grayscale\) but the Input node takes 3\. Set the Input's channels to 1\./,
      ),
    })
    expect(await services['runs.list']({ id: project.id })).toEqual([])
    await services.close()
  }, 60_000)
})

describe('training.start resource preflight', () => {
  it('refuses a run that cannot fit the backend before any run exists, with the largest batch that fits', async () => {
    const { services } = setup()
    const projectId = await wideLenetProject(services)
    const start = (batchSize: number) =>
      (async () =>
        services['training.start']({
          projectId,
          dataset: { builtin: 'fashion-mnist' },
          hyperparameters: { batchSize },
          backend: 'wasm',
        }))()
    await expect(start(4096)).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(
        /^Training needs ≈ [\d.]+ GiB at batch 4096: .*; the wasm backend has 3.98 GiB .* The largest batch that fits is \d+/,
      ),
    })
    expect(await services['runs.list']({ id: projectId })).toEqual([])
    await services.close()
  })
})

describe('training.resume on another backend', () => {
  it('restarts a stopped run on the backend asked for; a live run keeps its own', async () => {
    // The engine stand-in (it reports the backend 'fake'): what matters is the job it is given.
    const engine = fakeEngine({ intervalMs: 20 })
    const { services, next } = servicesWithEvents({ training: { spawn: engine.spawn } })
    const projectId = await lenetProject(services)
    const run = await services['training.start']({
      projectId,
      dataset: { builtin: 'mnist' },
      hyperparameters: { epochs: 3 },
    })
    await next((e) => e === 'training.epoch')
    await expect(
      (async () => services['training.resume']({ runId: run.id, backend: 'cpu' }))(),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: `Run '${run.id}' is running on fake, which it keeps: stop it, then resume it on cpu.`,
    })
    await services['training.stop']({ runId: run.id })
    expect((await services.settled(run.id)).status).toBe('stopped')

    await services['training.resume']({ runId: run.id, backend: 'cpu' })
    expect(engine.jobs.map((j) => j.backend)).toEqual([undefined, 'cpu'])
    expect(engine.jobs[1].resume?.checkpoint.epoch).toBeGreaterThanOrEqual(1)
    expect((await services.settled(run.id)).status).toBe('finished')
    await services.close()
  })

  it('a run whose backend does not load in its worker fails as resumable, and goes on elsewhere', async () => {
    // The native package is not installed on the build machines: its worker cannot load it.
    const { services } = servicesWithEvents()
    const projectId = await lenetProject(services)
    const run = await services['training.start']({
      projectId,
      dataset: { builtin: 'mnist' },
      hyperparameters: { epochs: 1, batchSize: 10 },
      backend: 'tensorflow',
    })
    expect(await services.settled(run.id)).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(
        /^The 'tensorflow' backend was asked for but cannot load \(tensorflow: /,
      ),
      resumable: true,
    })
    await services['training.resume']({ runId: run.id, backend: 'wasm' })
    expect(await services.settled(run.id)).toMatchObject({
      status: 'finished',
      backend: 'wasm',
      epochsDone: 1,
    })
    await services.close()
  }, 60_000)
})
