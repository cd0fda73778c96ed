import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { EventName } from '../../shared/api/contract'
import type { TorchReport } from '../../shared/api/training'
import { runFolder } from '../data-dir'
import { decodeTensors } from '../model/checkpoint'
import { fakeFound, fakeParts, type FakeTrain } from '../pytorch/test-kit'
import { lenetProject, servicesWithEvents } from './test-kit'

/**
 * PyTorch runs through the training service, with the stand-in train.py (pytorch/test-fixtures):
 * what the service adds to the engine (checks before a run exists, the engine stored with the run
 * and kept on resume, the run's folder removed with it). Real PyTorch: test/pytorch-engine.test.ts.
 */
function setup(fake: FakeTrain = {}, report?: TorchReport) {
  const { parts } = fakeParts(fake)
  const find = async (): Promise<TorchReport> => report ?? { found: fakeFound(), reason: null, tried: [] }
  return servicesWithEvents({ training: { pytorch: { find, parts } } })
}

const status = (s: string) => (e: EventName, p: unknown) =>
  e === 'training.status' && (p as { status: string }).status === s

describe('PyTorch runs in the training service (stand-in train.py)', () => {
  it('stores the run with its engine, metrics and checkpoints, and removes its folder with it', async () => {
    const { services, dir } = setup({ epochs: 2, batches: 2 })
    const projectId = await lenetProject(services)
    const run = await services['training.start']({
      projectId,
      dataset: { builtin: 'mnist' },
      hyperparameters: { epochs: 2 },
      engine: { name: 'pytorch', processes: 1, device: 'cpu' },
    })
    expect(run.engine).toEqual({ name: 'pytorch', processes: 1, device: 'cpu' })
    const final = await services.settled(run.id)
    expect(final).toMatchObject({ status: 'finished', backend: 'pytorch', epochsDone: 2, testAccuracy: 0.75 })
    expect(final.device).toMatch(/^CPU: \d+ threads? via PyTorch 0\.0-fake$/)
    const detail = await services['runs.get']({ runId: run.id })
    expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2])
    expect(detail.batches.map((b) => b.step)).toEqual([1, 2, 3, 4])
    expect(detail.checkpoints.map((c) => c.epoch)).toEqual([2])
    expect(existsSync(runFolder(dir, run.id))).toBe(true)
    await services['runs.delete']({ runId: run.id })
    expect(existsSync(runFolder(dir, run.id))).toBe(false)
    await services.close()
  })

  it('resumes a stopped PyTorch run on PyTorch from its last checkpoint, with other options if asked', async () => {
    const { services, next, db } = setup({ epochs: 3, batches: 4, delay: 0.05 })
    const projectId = await lenetProject(services)
    const run = await services['training.start']({
      projectId,
      dataset: { builtin: 'mnist' },
      hyperparameters: { epochs: 3 },
      engine: { name: 'pytorch', processes: 1, device: 'cpu' },
    })
    await next((e) => e === 'training.epoch')
    await services['training.stop']({ runId: run.id })
    const stopped = await services.settled(run.id)
    expect(stopped).toMatchObject({ status: 'stopped', epochsDone: 1, resumable: true })
    await expect(
      (async () => services['training.resume']({ runId: run.id, backend: 'wasm' }))(),
    ).rejects.toThrow(
      `Run '${run.id}' trains on PyTorch, which it keeps: --backend wasm chooses a TF.js backend; a PyTorch run chooses its device instead (--device auto, cpu, cuda or mps).`,
    )
    await expect(
      (async () => services['training.resume']({ runId: run.id, engine: { name: 'tfjs' } }))(),
    ).rejects.toThrow(/trained on PyTorch, which it keeps \(its checkpoints hold PyTorch's optimizer state\)/)
    const resumed = await services['training.resume']({
      runId: run.id,
      engine: { name: 'pytorch', processes: 1, device: 'auto' },
    })
    expect(resumed.engine).toEqual({ name: 'pytorch', processes: 1, device: 'auto' })
    const final = await services.settled(run.id)
    expect(final).toMatchObject({ status: 'finished', epochsDone: 3 })
    expect((await services['runs.get']({ runId: run.id })).epochs.map((e) => e.epoch)).toEqual([1, 2, 3])
    const weights = db
      .prepare<[string], { weights: Buffer }>(
        'SELECT weights FROM checkpoints WHERE run_id = ? ORDER BY epoch DESC',
      )
      .get(run.id)!
    expect(decodeTensors(new Uint8Array(weights.weights))[0].data).toEqual(Float32Array.of(3, -3))
    await services.close()
  })

  it('refuses before a run exists: no PyTorch here, a device it lacks, a TF.js backend', async () => {
    const missing: TorchReport = {
      found: null,
      reason:
        'No python was found (tried /nonexistent): install Python 3, then install PyTorch: pip install torch.',
      tried: [{ python: '/nonexistent', reason: '/nonexistent: not found' }],
    }
    const { services } = setup({}, missing)
    const projectId = await lenetProject(services)
    const start = (engine: object, extra: object = {}) =>
      (async () =>
        services['training.start']({
          projectId,
          dataset: { builtin: 'mnist' },
          hyperparameters: {},
          engine: engine as never,
          ...extra,
        }))()
    await expect(start({ name: 'pytorch' })).rejects.toMatchObject({
      code: 'unavailable',
      message: missing.reason,
    })
    await expect(start({ name: 'pytorch' }, { backend: 'wasm' })).rejects.toMatchObject({ code: 'invalid' })
    expect(await services['runs.list']({ id: projectId })).toEqual([])
    expect(await services['training.engines']({})).toEqual({ pytorch: missing })

    const cpuOnly = setup().services
    const p2 = await lenetProject(cpuOnly)
    const start2 = (engine: object) =>
      (async () =>
        cpuOnly['training.start']({
          projectId: p2,
          dataset: { builtin: 'mnist' },
          hyperparameters: {},
          engine: engine as never,
        }))()
    await expect(start2({ name: 'pytorch', device: 'cuda' })).rejects.toThrow(
      'PyTorch 0.0-fake (python3) sees no CUDA GPU here: choose the device cpu or auto (--device cpu), or install a PyTorch built with CUDA.',
    )
    await expect(start2({ name: 'pytorch', device: 'mps' })).rejects.toMatchObject({ code: 'unavailable' })
    expect(await cpuOnly['runs.list']({ id: p2 })).toEqual([])
    await services.close()
    await cpuOnly.close()
  })

  it('pauses and resumes a live PyTorch run through the control file; closing stops it', async () => {
    const { services, next } = setup({ epochs: 100, batches: 5, delay: 0.02 })
    const projectId = await lenetProject(services)
    const run = await services['training.start']({
      projectId,
      dataset: { builtin: 'mnist' },
      engine: { name: 'pytorch', processes: 1, device: 'auto' },
      hyperparameters: { epochs: 100 },
    })
    await next((e) => e === 'training.batch')
    await services['training.pause']({ runId: run.id })
    await next(status('paused'))
    await services['training.resume']({ runId: run.id })
    await next(status('running'))
    await services.close()
    expect((await services['runs.get']({ runId: run.id })).status).toBe('stopped')
  })
})
