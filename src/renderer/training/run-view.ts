import type { BatchProgress, EpochMetrics, RunDetail, RunStatus, RunSummary } from '../../shared/api/training'
import type { Series } from './LineChart'

/** Statuses of a run that a worker is working on (or about to). */
export const LIVE: readonly RunStatus[] = ['queued', 'running', 'paused']
export const isLive = (status: RunStatus): boolean => LIVE.includes(status)
/**
 * A stopped or interrupted run (or one failed by its database) restarts from its last checkpoint;
 * a paused one continues.
 */
export const canResume = (run: Pick<RunSummary, 'status' | 'resumable'>): boolean =>
  run.status === 'paused' || run.resumable

/**
 * What the panel shows of one run: its stored detail (`runs.get`) merged with the events that came
 * since, in whichever order the two arrive.
 */
export interface RunView {
  runId: string
  summary: RunSummary | null
  epochs: EpochMetrics[]
  batches: RunDetail['batches']
  classes: string[]
  /** The latest batch event while the run trains (or where it paused). */
  progress: BatchProgress | null
  /** Whether `runs.get` answered. */
  loaded: boolean
}

export type RunAction =
  | { type: 'detail'; detail: RunDetail }
  | { type: 'batch'; progress: BatchProgress }
  | { type: 'epoch'; runId: string; metrics: EpochMetrics }
  | { type: 'status'; run: RunSummary }

export const emptyView = (runId: string): RunView => ({
  runId,
  summary: null,
  epochs: [],
  batches: [],
  classes: [],
  progress: null,
  loaded: false,
})

/** The newer of two snapshots of a run (ISO timestamps compare as strings); ties go to `b`. */
const newer = (a: RunSummary | null, b: RunSummary): RunSummary => (a && a.updatedAt > b.updatedAt ? a : b)

function summaryOf(detail: RunDetail): RunSummary {
  const { epochs: _e, batches: _b, checkpoints: _c, classes: _k, ...summary } = detail
  return summary
}

const byEpoch = (list: EpochMetrics[]) => [...list].sort((a, b) => a.epoch - b.epoch)

/** Adds an epoch's metrics, replacing the same epoch (a resumed run redoes unfinished ones). */
function withEpoch(list: EpochMetrics[], m: EpochMetrics): EpochMetrics[] {
  return byEpoch([...list.filter((e) => e.epoch !== m.epoch), m])
}

/** Adds a batch loss; a step at or before the last one (a resume) first drops what it redoes. */
function withBatch(list: RunDetail['batches'], b: RunDetail['batches'][number]): RunDetail['batches'] {
  const last = list.at(-1)
  if (last && b.step <= last.step) return [...list.filter((x) => x.step < b.step), b]
  return [...list, b]
}

export function runReducer(view: RunView, action: RunAction): RunView {
  switch (action.type) {
    case 'detail': {
      const d = action.detail
      if (d.id !== view.runId) return view
      // Events that came before the answer are kept where the answer does not have them yet.
      const lastStep = d.batches.at(-1)?.step ?? 0
      let epochs = d.epochs
      for (const e of view.epochs) if (!epochs.some((x) => x.epoch === e.epoch)) epochs = withEpoch(epochs, e)
      return {
        ...view,
        summary: view.summary ? newer(view.summary, summaryOf(d)) : summaryOf(d),
        epochs: byEpoch(epochs),
        batches: [...d.batches, ...view.batches.filter((b) => b.step > lastStep)],
        classes: d.classes,
        loaded: true,
      }
    }
    case 'batch': {
      const p = action.progress
      if (p.runId !== view.runId) return view
      return {
        ...view,
        batches: withBatch(view.batches, { epoch: p.epoch, step: p.step, loss: p.loss }),
        progress: p,
      }
    }
    case 'epoch':
      if (action.runId !== view.runId) return view
      return { ...view, epochs: withEpoch(view.epochs, action.metrics) }
    case 'status': {
      const run = action.run
      if (run.id !== view.runId) return view
      const summary = newer(view.summary, run)
      // A paused run keeps where it stopped; a run that ended has no progress to show.
      const keep = summary.status === 'running' || summary.status === 'paused'
      return { ...view, summary, progress: keep ? view.progress : null }
    }
  }
}

/**
 * Batches per epoch, to place batch losses on the epoch axis: from the live progress, else from the
 * recorded steps. Step `s` of epoch `e` is `(e - 1) × B + b` with `b ≤ B`, so `s / e ≤ B`, equal at
 * the last batch of an epoch, which is always recorded.
 */
export function batchesPerEpoch(view: RunView): number | null {
  if (view.progress) return view.progress.batches
  let best: number | null = null
  for (const b of view.batches) if (b.epoch > 0) best = Math.max(best ?? 0, b.step / b.epoch)
  return best
}

/** At most `max` points, evenly picked (the first and last kept): long runs stay light to draw. */
export function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points
  const out: T[] = []
  const step = (points.length - 1) / (max - 1)
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)])
  return out
}

export const COLORS = { batch: '#9aa5b1', train: '#2f6fde', validation: '#e8590c' }

/** Loss: per batch (thin), and per epoch for training and validation. */
export function lossSeries(view: RunView, maxBatchPoints = 600): Series[] {
  const per = batchesPerEpoch(view) ?? 1
  return [
    {
      name: 'batch',
      color: COLORS.batch,
      thin: true,
      points: thin(view.batches, maxBatchPoints).map((b) => ({ x: b.step / per, y: b.loss })),
    },
    { name: 'train', color: COLORS.train, points: view.epochs.map((e) => ({ x: e.epoch, y: e.trainLoss })) },
    {
      name: 'validation',
      color: COLORS.validation,
      points: view.epochs.filter((e) => e.valLoss !== undefined).map((e) => ({ x: e.epoch, y: e.valLoss! })),
    },
  ]
}

/** Accuracy per epoch, training and validation. */
export function accuracySeries(view: RunView): Series[] {
  return [
    {
      name: 'train',
      color: COLORS.train,
      points: view.epochs.map((e) => ({ x: e.epoch, y: e.trainAccuracy })),
    },
    {
      name: 'validation',
      color: COLORS.validation,
      points: view.epochs
        .filter((e) => e.valAccuracy !== undefined)
        .map((e) => ({ x: e.epoch, y: e.valAccuracy! })),
    },
  ]
}
