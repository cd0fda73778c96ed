import { describe, expect, it } from 'vitest'
import { hyperparametersSchema, type RunDetail, type RunSummary } from '../../shared/api/training'
import {
  accuracySeries,
  batchesPerEpoch,
  emptyView,
  lossSeries,
  runReducer,
  thin,
  type RunView,
} from './run-view'

const run: RunSummary = {
  id: 'r',
  projectId: 'p',
  versionId: 1,
  status: 'running',
  dataset: null,
  hyperparameters: hyperparametersSchema.parse({ epochs: 2 }),
  engine: { name: 'tfjs' },
  backend: 'cpu',
  device: 'CPU',
  epochsDone: 0,
  bestValScore: null,
  testAccuracy: null,
  testLoss: null,
  elapsedMs: 0,
  message: null,
  resumable: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:01.000Z',
}
const metrics = (epoch: number) => ({
  epoch,
  trainLoss: 1 / epoch,
  trainAccuracy: 0.5,
  valLoss: NaN,
  valAccuracy: 0.4,
  learningRate: 0.1,
  samplesPerSecond: 10,
})
const batch = (step: number, epoch = 1) => ({
  type: 'batch' as const,
  progress: { runId: 'r', epoch, batch: step, batches: 4, step, loss: 1, samplesPerSecond: 1, etaSeconds: 1 },
})
const detail = (over: Partial<RunDetail> = {}): RunDetail => ({
  ...run,
  epochs: [],
  batches: [],
  checkpoints: [],
  classes: ['a', 'b'],
  ...over,
})
const reduce = (actions: Parameters<typeof runReducer>[1][]): RunView =>
  actions.reduce(runReducer, emptyView('r'))

describe('runReducer', () => {
  it('keeps events that came before the stored detail, without doubling what it has', () => {
    const v = reduce([
      batch(1),
      batch(2),
      { type: 'detail', detail: detail({ batches: [{ epoch: 1, step: 1, loss: 2 }] }) },
    ])
    expect(v.batches.map((b) => b.step)).toEqual([1, 2])
    expect(v.loaded).toBe(true)
    expect(v.classes).toEqual(['a', 'b'])
  })

  it('replaces an epoch seen again and a resumed run redoes batches after its checkpoint', () => {
    const v = reduce([
      { type: 'epoch', runId: 'r', metrics: metrics(2) },
      { type: 'epoch', runId: 'r', metrics: metrics(1) },
      { type: 'epoch', runId: 'r', metrics: { ...metrics(2), trainLoss: 0.1 } },
      batch(5, 2),
      batch(6, 2),
      batch(5, 2),
    ])
    expect(v.epochs.map((e) => [e.epoch, e.trainLoss])).toEqual([
      [1, 1],
      [2, 0.1],
    ])
    expect(v.batches.map((b) => b.step)).toEqual([5])
  })

  it('keeps the newer status, and the progress while the run is running or paused', () => {
    let v = reduce([
      batch(1),
      { type: 'status', run: { ...run, status: 'paused', updatedAt: '2026-01-01T00:00:05.000Z' } },
    ])
    expect(v.summary!.status).toBe('paused')
    expect(v.progress!.step).toBe(1)
    // An older snapshot (a late runs.get answer) does not win.
    v = runReducer(v, { type: 'detail', detail: detail() })
    expect(v.summary!.status).toBe('paused')
    v = runReducer(v, {
      type: 'status',
      run: { ...run, status: 'stopped', updatedAt: '2026-01-01T00:00:09.000Z' },
    })
    expect(v.progress).toBeNull()
  })

  it('ignores other runs', () => {
    const v = emptyView('r')
    expect(runReducer(v, { type: 'status', run: { ...run, id: 'x' } })).toBe(v)
    expect(runReducer(v, { ...batch(1), progress: { ...batch(1).progress, runId: 'x' } })).toBe(v)
    expect(runReducer(v, { type: 'epoch', runId: 'x', metrics: metrics(1) })).toBe(v)
  })
})

describe('chart series', () => {
  it('puts batch losses on the epoch axis and skips missing validation values', () => {
    const v = reduce([
      {
        type: 'detail',
        detail: detail({
          batches: [
            { epoch: 1, step: 2, loss: 3 },
            { epoch: 1, step: 4, loss: 2 },
            { epoch: 2, step: 6, loss: 1 },
          ],
          epochs: [metrics(1), { ...metrics(2), valLoss: undefined, valAccuracy: undefined }],
        }),
      },
    ])
    expect(batchesPerEpoch(v)).toBe(4)
    const [batches, train, validation] = lossSeries(v)
    expect(batches.points).toEqual([
      { x: 0.5, y: 3 },
      { x: 1, y: 2 },
      { x: 1.5, y: 1 },
    ])
    expect(train.points).toEqual([
      { x: 1, y: 1 },
      { x: 2, y: 0.5 },
    ])
    expect(validation.points).toEqual([{ x: 1, y: NaN }])
    expect(accuracySeries(v)[1].points).toEqual([{ x: 1, y: 0.4 }])
  })

  it('the live progress says how many batches an epoch has', () => {
    expect(batchesPerEpoch(reduce([batch(1)]))).toBe(4)
    expect(batchesPerEpoch(emptyView('r'))).toBeNull()
  })

  it('thins long series evenly, keeping both ends', () => {
    const xs = Array.from({ length: 1001 }, (_, i) => i)
    const t = thin(xs, 11)
    expect(t).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
    expect(thin([1, 2], 5)).toEqual([1, 2])
  })
})
