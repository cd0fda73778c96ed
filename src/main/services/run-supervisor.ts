import type { RunSummary } from '../../shared/api/training'
import { LIVE_STATUSES } from '../db/runs-repo'
import type { RunEvent } from '../training/protocol'
import type { Emit } from './emit'
import { HEARTBEAT_MS } from './heartbeat'
import { requireRun, type RunRepos } from './run-repos'
import { describeFault, leavesRunResumable, retryWhileLocked, type RetryPolicy } from './storage-faults'

/** What the supervisor needs of the engine training a run. */
export interface SupervisedEngine {
  /** Stops the engine at once: its run failed because it could not be recorded, or is no longer ours. */
  halt(): void
  /** Runs once, when the run has ended and its final status is stored (or could not be). */
  ended(): void
}

export interface RunSupervisor {
  /**
   * Takes over a run whose engine is about to report: returns the function its events go to, in
   * order. Nothing the engine reports after `done` is written.
   */
  supervise(runId: string, engine: SupervisedEngine): (event: RunEvent) => void
  /** Sends the run's status as `training.status`; once it has ended, settles those waiting on it. */
  announce(runId: string): RunSummary
  /** Resolves when the run is no longer queued, running or paused. */
  settled(runId: string): Promise<RunSummary>
  /** Resolves when every event received so far has been written, or given up on. */
  idle(): Promise<void>
  /** Tries again to store the failures that could not be stored when they happened. */
  storeUnstored(): void
}

export interface SupervisorOptions {
  emit: Emit
  now: () => string
  /** How often a live run's heartbeat (and training time so far) is written. */
  heartbeatMs?: number
  /** Retries of a write that found the database locked, after SQLite's own busy wait. */
  retry?: RetryPolicy
  /** How long the failure of a run that could not be recorded is retried for (default 10 s). */
  finalWriteMs?: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Writes what a training engine reports to the repositories as it arrives and forwards it as
 * events (`training.batch`, `training.epoch`, `training.status`). Engine-agnostic: it maps each
 * event to repository calls and computes nothing from the metrics; it times the run and writes
 * its heartbeat.
 *
 * Every write is guarded: events are written one after another per run; a write that finds the
 * database locked is retried (storage-faults.ts); any other failure (a full disk, a lock held too
 * long, a bug) ends the run: the engine is halted, the run is stored as failed with what to do
 * (retried for a while if that write fails too), and its last checkpoint stays, so it resumes.
 * Nothing is thrown out of an event handler.
 */
export function createRunSupervisor(repos: () => RunRepos, options: SupervisorOptions): RunSupervisor {
  const { emit, now } = options
  const waiters = new Map<string, ((r: RunSummary) => void)[]>()
  /** Runs whose end could not be stored: what they ended as, for those who ask. */
  const unstored = new Map<string, RunSummary>()
  const chains = new Map<string, Promise<void>>()
  const write = <T>(f: () => T) => retryWhileLocked(f, options.retry)

  const tell: Emit = (event, payload) => {
    try {
      emit(event, payload)
    } catch (e) {
      // A listener's failure (a closed window) is not the run's.
      console.error(`cnn-studio: could not forward ${event}:`, e)
    }
  }

  function settle(runId: string, run: RunSummary): void {
    for (const resolve of waiters.get(runId) ?? []) resolve(run)
    waiters.delete(runId)
  }

  function announce(runId: string): RunSummary {
    const run = unstored.get(runId) ?? requireRun(repos().runs, runId)
    tell('training.status', { runId, status: run.status, run })
    if (!LIVE_STATUSES.includes(run.status)) settle(runId, run)
    return run
  }

  function supervise(runId: string, engine: SupervisedEngine) {
    unstored.delete(runId)
    /** When the training time not yet stored began (performance.now()), while it trains. */
    let since: number | null = null
    /** Nothing more is written: the end is stored, or the run failed or was taken over. */
    let over = false
    /** `done` was received: anything after it is dropped. */
    let doneSeen = false
    let chain = Promise.resolve()
    const lap = () => {
      if (since === null) return 0
      const t = performance.now()
      const ms = t - since
      since = t
      return ms
    }
    const beat = setInterval(() => enqueue(heartbeat), options.heartbeatMs ?? HEARTBEAT_MS)
    beat.unref()

    function enqueue(step: () => unknown) {
      chain = chain
        .then(async () => {
          if (!over) await step()
        })
        .catch(fault)
        .catch((e: unknown) => console.error(`cnn-studio: run ${runId}:`, e))
      chains.set(runId, chain)
    }

    function end(): void {
      over = true
      clearInterval(beat)
      engine.ended()
    }

    async function heartbeat() {
      const ms = lap()
      if (await write(() => repos().runs.heartbeat(runId, ms, now()))) return
      // Another process found the run silent and marked it interrupted (it may be resumed there).
      over = true
      clearInterval(beat)
      engine.halt()
      engine.ended()
      announce(runId)
    }

    async function handle(m: RunEvent) {
      const { runs, datasets, db } = repos()
      switch (m.type) {
        case 'started': {
          const info = {
            backend: m.backend,
            device: m.device,
            datasetId: m.dataset.id,
            datasetHash: m.dataset.contentHash,
            datasetName: m.dataset.name,
            classes: m.dataset.classes,
          }
          await write(() =>
            db.transaction(() => {
              datasets.upsert(m.dataset, now())
              runs.setStarted(runId, info, now())
            })(),
          )
          since = performance.now()
          announce(runId)
          break
        }
        case 'batch':
          await write(() => runs.addBatchLoss(runId, m.epoch, m.step, m.loss))
          tell('training.batch', { runId, ...m })
          break
        case 'epoch':
          await write(() => runs.addEpoch(runId, m.metrics))
          tell('training.epoch', { runId, ...m.metrics })
          break
        case 'checkpoint':
          await write(() => runs.saveCheckpoint(runId, m.checkpoint, m.progress, now()))
          break
        case 'paused': {
          const ms = lap()
          since = null
          await write(() =>
            db.transaction(() => {
              runs.addElapsed(runId, ms, now())
              runs.setStatus(runId, 'paused', null, now())
            })(),
          )
          announce(runId)
          break
        }
        case 'resumed':
          await write(() => runs.setStatus(runId, 'running', null, now()))
          since = performance.now()
          announce(runId)
          break
        case 'done': {
          const ms = lap()
          since = null
          await write(() =>
            db.transaction(() => {
              runs.addElapsed(runId, ms, now())
              if (m.test) runs.setTest(runId, m.test, now())
              if (m.status === 'failed' && m.resumable) runs.fail(runId, m.message ?? 'failed', true, now())
              else runs.setStatus(runId, m.status, m.message, now())
            })(),
          )
          end()
          announce(runId)
          break
        }
      }
    }

    /** A write failed for good: halt the engine and store the run as failed with what to do. */
    async function fault(e: unknown) {
      if (over) throw e
      over = true
      clearInterval(beat)
      engine.halt()
      const ms = lap()
      since = null
      try {
        const { runs, db } = repos()
        const before = runs.get(runId)
        const message = describeFault(e, {
          file: db.name,
          busyTimeoutMs: db.pragma('busy_timeout', { simple: true }) as number,
          epochsDone: before?.epochsDone ?? 0,
        })
        const resumable = leavesRunResumable(e)
        const stored = await storeFailure(() =>
          db.transaction(() => {
            runs.addElapsed(runId, ms, now())
            runs.fail(runId, message, resumable, now())
          })(),
        )
        // Not stored: the row still says live; this process answers with the failure meanwhile,
        // and any process finds the run interrupted (its heartbeat has stopped).
        if (!stored && before)
          unstored.set(runId, { ...before, status: 'failed', message, resumable, updatedAt: now() })
      } finally {
        engine.ended()
      }
      announce(runId)
    }

    /** Retries storing a run's failure for a while (the disk may be freed, the lock released). */
    async function storeFailure(store: () => void): Promise<boolean> {
      const until = performance.now() + (options.finalWriteMs ?? 10_000)
      for (;;) {
        try {
          await write(store)
          return true
        } catch {
          if (performance.now() >= until || !repos().db.open) return false
          await sleep(500)
        }
      }
    }

    return (m: RunEvent) => {
      if (doneSeen || over) return
      if (m.type === 'done') doneSeen = true
      enqueue(() => handle(m))
    }
  }

  return {
    supervise,
    announce,
    settled(runId) {
      const run = unstored.get(runId) ?? requireRun(repos().runs, runId)
      if (!LIVE_STATUSES.includes(run.status)) return Promise.resolve(run)
      return new Promise((resolve) => waiters.set(runId, [...(waiters.get(runId) ?? []), resolve]))
    },
    async idle() {
      await Promise.all(chains.values())
    },
    storeUnstored() {
      for (const [runId, run] of unstored)
        try {
          repos().runs.fail(runId, run.message!, run.resumable, now())
          unstored.delete(runId)
        } catch {
          // Still not writable: kept for the next try.
        }
    },
  }
}
