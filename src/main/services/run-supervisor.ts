import type { RunSummary } from '../../shared/api/training'
import { LIVE_STATUSES } from '../db/runs-repo'
import type { RunEvent } from '../training/protocol'
import type { Emit } from './emit'
import { requireRun, type RunRepos } from './run-repos'

export interface RunSupervisor {
  /**
   * Takes over a run whose engine is about to report: returns the function its events go to, in
   * order. `ended` runs once, when the run has ended (its final status stored, not yet announced).
   */
  supervise(runId: string, ended: () => void): (event: RunEvent) => void
  /** Sends the run's status as `training.status`; once it has ended, settles those waiting on it. */
  announce(runId: string): RunSummary
  /** Resolves when the run is no longer queued, running or paused. */
  settled(runId: string): Promise<RunSummary>
}

/**
 * Writes what a training engine reports to the repositories as it arrives and forwards it as
 * events (`training.batch`, `training.epoch`, `training.status`). Engine-agnostic: it maps each
 * event to repository calls and computes nothing from the metrics; it only times the run, counting
 * the time between start (or resume) and pause (or end).
 */
export function createRunSupervisor(
  repos: () => RunRepos,
  options: { emit: Emit; now: () => string },
): RunSupervisor {
  const { emit, now } = options
  const waiters = new Map<string, ((r: RunSummary) => void)[]>()

  function announce(runId: string): RunSummary {
    const run = requireRun(repos().runs, runId)
    emit('training.status', { runId, status: run.status, run })
    if (!LIVE_STATUSES.includes(run.status)) {
      for (const resolve of waiters.get(runId) ?? []) resolve(run)
      waiters.delete(runId)
    }
    return run
  }

  function supervise(runId: string, ended: () => void) {
    let segmentStart: number | null = null
    let finished = false
    const closeSegment = () => {
      if (segmentStart === null) return
      repos().runs.addElapsed(runId, performance.now() - segmentStart, now())
      segmentStart = null
    }
    return (m: RunEvent) => {
      // The end is reported once: a worker that ends after reporting it adds nothing.
      if (m.type === 'done' && finished) return
      const { runs, datasets } = repos()
      switch (m.type) {
        case 'started':
          datasets.upsert(m.dataset, now())
          runs.setStarted(
            runId,
            {
              backend: m.backend,
              device: m.device,
              datasetId: m.dataset.id,
              datasetHash: m.dataset.contentHash,
              datasetName: m.dataset.name,
              classes: m.dataset.classes,
            },
            now(),
          )
          segmentStart = performance.now()
          announce(runId)
          break
        case 'batch':
          runs.addBatchLoss(runId, m.epoch, m.step, m.loss)
          emit('training.batch', { runId, ...m })
          break
        case 'epoch':
          runs.addEpoch(runId, m.metrics)
          emit('training.epoch', { runId, ...m.metrics })
          break
        case 'checkpoint':
          runs.saveCheckpoint(runId, m.checkpoint, m.progress, now())
          break
        case 'paused':
          closeSegment()
          runs.setStatus(runId, 'paused', null, now())
          announce(runId)
          break
        case 'resumed':
          segmentStart = performance.now()
          runs.setStatus(runId, 'running', null, now())
          announce(runId)
          break
        case 'done':
          finished = true
          closeSegment()
          if (m.test) runs.setTest(runId, m.test, now())
          runs.setStatus(runId, m.status, m.message, now())
          ended()
          announce(runId)
          break
      }
    }
  }

  return {
    supervise,
    announce,
    settled(runId) {
      const run = requireRun(repos().runs, runId)
      if (!LIVE_STATUSES.includes(run.status)) return Promise.resolve(run)
      return new Promise((resolve) => waiters.set(runId, [...(waiters.get(runId) ?? []), resolve]))
    },
  }
}
