import { describe, expect, it } from 'vitest'
import { hyperparametersSchema } from '../../shared/api/training'
import { emptyDocument } from '../../shared/graph/document'
import { createGraphVersionsRepo } from './graph-versions-repo'
import { createProjectsRepo } from './projects-repo'
import { createRunsRepo } from './runs-repo'
import { openTestDb } from './test-kit'

const NOW = '2026-11-25T10:00:00.000Z'

function setup() {
  const { db } = openTestDb()
  createProjectsRepo(db).insert({
    id: 'p1',
    name: 'P',
    createdAt: NOW,
    updatedAt: NOW,
    lastOpenedAt: null,
    viewState: null,
  })
  const versionId = createGraphVersionsRepo(db).append('p1', emptyDocument(), NOW)
  const runs = createRunsRepo(db, { pid: process.pid, id: 'me' })
  const run = runs.create({
    id: 'r1',
    versionId,
    dataset: { builtin: 'fashion-mnist' },
    datasetName: 'Fashion-MNIST',
    hyperparameters: hyperparametersSchema.parse({ epochs: 3 }),
    macs: 123,
    now: NOW,
  })
  return { db, runs, run, versionId }
}

const LATER = '2026-11-25T10:00:05.000Z'

const blob = (n: number) => Uint8Array.from({ length: 8 }, (_, i) => n * 10 + i)

describe('runs repository (real SQLite file)', () => {
  it('creates a queued run owned by this process and lists it under its project', () => {
    const { runs, run, versionId } = setup()
    expect(run).toMatchObject({ id: 'r1', projectId: 'p1', versionId, status: 'queued', epochsDone: 0 })
    expect(run.dataset).toEqual({ id: 'fashion-mnist', name: 'Fashion-MNIST', hash: null })
    expect(runs.list('p1').map((r) => r.id)).toEqual(['r1'])
    expect(runs.list('other').map((r) => r.id)).toEqual([])
    // Every project's runs.
    expect(runs.list().map((r) => r.id)).toEqual(['r1'])
    expect(runs.live()).toEqual([
      { run: expect.objectContaining({ id: 'r1' }), ownerPid: process.pid, ownerId: 'me', heartbeatAt: NOW },
    ])
  })

  it('stores the engine with its options: TF.js by default, PyTorch with processes and device', () => {
    const { runs, run, versionId } = setup()
    expect(run.engine).toEqual({ name: 'tfjs' })
    const torch = runs.create({
      id: 'r2',
      versionId,
      dataset: { builtin: 'mnist' },
      datasetName: 'MNIST',
      hyperparameters: hyperparametersSchema.parse({}),
      macs: 1,
      engine: { name: 'pytorch', processes: 2, device: 'cpu' },
      now: NOW,
    })
    expect(torch.engine).toEqual({ name: 'pytorch', processes: 2, device: 'cpu' })
    runs.setEngine('r2', { name: 'pytorch', processes: 1, device: 'auto' })
    expect(runs.get('r2')!.engine).toEqual({ name: 'pytorch', processes: 1, device: 'auto' })
    expect(runs.detail('r2')!.engine).toEqual({ name: 'pytorch', processes: 1, device: 'auto' })
  })

  it('stores epoch and batch metrics and reads them back as the run detail', () => {
    const { runs } = setup()
    runs.addEpoch('r1', {
      epoch: 1,
      trainLoss: 0.9,
      trainAccuracy: 0.6,
      valLoss: 0.8,
      valAccuracy: 0.65,
      learningRate: 1e-3,
      samplesPerSecond: 900,
    })
    runs.addEpoch('r1', {
      epoch: 2,
      trainLoss: 0.5,
      trainAccuracy: 0.8,
      learningRate: 1e-3,
      samplesPerSecond: 950,
    })
    runs.addBatchLoss('r1', 1, 1, 2.3)
    runs.addBatchLoss('r1', 1, 2, NaN)
    const d = runs.detail('r1')!
    expect(d.epochs).toEqual([
      {
        epoch: 1,
        trainLoss: 0.9,
        trainAccuracy: 0.6,
        valLoss: 0.8,
        valAccuracy: 0.65,
        learningRate: 1e-3,
        samplesPerSecond: 900,
      },
      { epoch: 2, trainLoss: 0.5, trainAccuracy: 0.8, learningRate: 1e-3, samplesPerSecond: 950 },
    ])
    expect(d.batches).toEqual([{ epoch: 1, step: 1, loss: 2.3 }])
  })

  it('keeps the last and the best checkpoint, and resumes from the last without later metrics', () => {
    const { runs } = setup()
    const progress = { bestValLoss: 0.5, bestEpoch: 1, bestValScore: 0.8, epochsWithoutImprovement: 0 }
    runs.saveCheckpoint('r1', { epoch: 1, weights: blob(1), optimizer: blob(2), isBest: true }, progress, NOW)
    runs.saveCheckpoint(
      'r1',
      { epoch: 2, weights: blob(3), optimizer: blob(4), isBest: false },
      { ...progress, epochsWithoutImprovement: 1 },
      NOW,
    )
    runs.saveCheckpoint(
      'r1',
      { epoch: 3, weights: blob(5), optimizer: blob(6), isBest: false },
      { ...progress, epochsWithoutImprovement: 2 },
      NOW,
    )
    expect(runs.detail('r1')!.checkpoints.map((c) => [c.epoch, c.isBest])).toEqual([
      [1, true],
      [3, false],
    ])
    runs.addEpoch('r1', { epoch: 3, trainLoss: 1, trainAccuracy: 0.5, learningRate: 1, samplesPerSecond: 1 })
    runs.addEpoch('r1', { epoch: 4, trainLoss: 1, trainAccuracy: 0.5, learningRate: 1, samplesPerSecond: 1 })
    runs.addBatchLoss('r1', 4, 99, 1)
    const point = runs.rewindToLastCheckpoint('r1')!
    expect(point).toEqual({
      checkpoint: { epoch: 3, weights: blob(5), optimizer: blob(6), isBest: false },
      bestValLoss: 0.5,
      bestEpoch: 1,
      bestValScore: 0.8,
      epochsWithoutImprovement: 2,
    })
    const d = runs.detail('r1')!
    expect(d.epochs.map((e) => e.epoch)).toEqual([3])
    expect(d.batches).toEqual([])
    expect(d.epochsDone).toBe(3)
    expect(d.bestValScore).toBe(0.8)
    expect(runs.bestWeights('r1')).toEqual({ epoch: 1, weights: blob(1) })
  })

  it('records status, start details, elapsed time and test results; delete removes everything', () => {
    const { runs, db } = setup()
    runs.setStarted(
      'r1',
      {
        backend: 'wasm',
        device: 'CPU (WebAssembly)',
        datasetId: null,
        datasetHash: 'abc',
        datasetName: 'Fashion-MNIST',
        classes: ['a', 'b'],
      },
      NOW,
    )
    runs.addElapsed('r1', 1500.4, NOW)
    runs.setTest('r1', { accuracy: 0.88, loss: 0.33 }, NOW)
    runs.setStatus('r1', 'finished', null, NOW)
    expect(runs.get('r1')).toMatchObject({
      status: 'finished',
      backend: 'wasm',
      device: 'CPU (WebAssembly)',
      dataset: { id: 'fashion-mnist', hash: 'abc' },
      elapsedMs: 1500,
      testAccuracy: 0.88,
      testLoss: 0.33,
    })
    expect(runs.detail('r1')!.classes).toEqual(['a', 'b'])
    expect(runs.live()).toEqual([])
    runs.saveCheckpoint(
      'r1',
      { epoch: 1, weights: blob(1), optimizer: blob(2), isBest: true },
      { bestValLoss: 1, bestEpoch: 1, bestValScore: 0.5, epochsWithoutImprovement: 0 },
      NOW,
    )
    runs.delete('r1')
    expect(runs.get('r1')).toBeUndefined()
    expect(db.prepare('SELECT count(*) AS n FROM checkpoints').get()).toEqual({ n: 0 })
  })

  it('restarts a run killed before its first checkpoint from nothing: its metrics are deleted', () => {
    const { runs } = setup()
    runs.addBatchLoss('r1', 1, 1, 2.3)
    runs.addBatchLoss('r1', 1, 2, 2.2)
    expect(runs.rewindToLastCheckpoint('r1')).toBeUndefined()
    const d = runs.detail('r1')!
    expect(d.batches).toEqual([])
    expect(d.epochs).toEqual([])
    expect(d.epochsDone).toBe(0)
  })

  it('heartbeats add the training time since the last one, for the owner only', () => {
    const { runs, db } = setup()
    expect(runs.heartbeat('r1', 1200.4, LATER)).toBe(true)
    expect(runs.heartbeat('r1', 800, LATER)).toBe(true)
    expect(runs.get('r1')!.elapsedMs).toBe(2000)
    expect(runs.live()[0].heartbeatAt).toBe(LATER)
    const other = createRunsRepo(db, { pid: process.pid, id: 'someone else' })
    expect(other.heartbeat('r1', 5000, LATER)).toBe(false)
    runs.setStatus('r1', 'stopped', null, LATER)
    expect(runs.heartbeat('r1', 5000, LATER)).toBe(false)
    expect(runs.get('r1')!.elapsedMs).toBe(2000)
  })

  it('interrupts a live run only if it did not report since it was seen', () => {
    const { runs } = setup()
    runs.heartbeat('r1', 0, LATER)
    expect(runs.interrupt('r1', 'gone', NOW, LATER)).toBe(false)
    expect(runs.interrupt('r1', 'gone', LATER, LATER)).toBe(true)
    expect(runs.get('r1')).toMatchObject({ status: 'interrupted', message: 'gone', resumable: true })
    expect(runs.live()).toEqual([])
  })

  it('fails a run resumably for its owner, and claims a resumable run once', () => {
    const { runs, db } = setup()
    const other = createRunsRepo(db, { pid: process.pid, id: 'someone else' })
    expect(other.fail('r1', 'The database is full', true, LATER)).toBe(false)
    expect(runs.fail('r1', 'The database is full', true, LATER)).toBe(true)
    expect(runs.get('r1')).toMatchObject({ status: 'failed', resumable: true })
    expect(other.claimForResume('r1', LATER)).toBe(true)
    expect(runs.claimForResume('r1', LATER)).toBe(false)
    expect(runs.get('r1')).toMatchObject({ status: 'queued', resumable: false, message: null })
    expect(runs.live()[0]).toMatchObject({ ownerId: 'someone else' })
    other.setStatus('r1', 'failed', 'The training loss became NaN', LATER)
    expect(runs.get('r1')!.resumable).toBe(false)
    expect(runs.claimForResume('r1', LATER)).toBe(false)
  })
})
