import { useEffect, useState } from 'react'
import type { RunSummary } from '../../shared/api/training'
import { formatSeconds } from '../runs/run-format'

/**
 * How old a snapshot's `elapsedMs` is: it was stored at `updatedAt` (the heartbeat writes both
 * together), by this machine's clock. A time in the future or long past (a snapshot from elsewhere)
 * counts as none.
 */
function ageOf(updatedAt: string): number {
  const age = Date.now() - Date.parse(updatedAt)
  return age >= 0 && age < 60_000 ? age : 0
}

/**
 * A run's training time, ticking each second while it runs. The stored `elapsedMs` grows only with
 * the heartbeat and when the run starts, pauses, resumes or ends, so between those the clock counts
 * on from the snapshot's value and when it was stored (not going back when a later snapshot comes);
 * it stops when the run pauses or ends (that snapshot has the stored value).
 */
export function useElapsedMs(run: Pick<RunSummary, 'status' | 'elapsedMs' | 'updatedAt'>): number {
  const { status, elapsedMs, updatedAt } = run
  // Time counted on from this snapshot (keyed, so a new snapshot starts again from its own value).
  const snapshot = `${status} ${elapsedMs} ${updatedAt}`
  const [ticked, setTicked] = useState({ snapshot, ms: 0 })
  useEffect(() => {
    if (status !== 'running') return
    const from = Date.now() - ageOf(updatedAt)
    const timer = setInterval(() => setTicked({ snapshot, ms: Date.now() - from }), 1000)
    return () => clearInterval(timer)
  }, [status, snapshot, updatedAt])
  return elapsedMs + (ticked.snapshot === snapshot ? ticked.ms : 0)
}

/** A run's training time as text (`42 s`), ticking while it trains. */
export function Elapsed({ run, testId }: { run: RunSummary; testId?: string }) {
  return <span data-testid={testId}>{formatSeconds(useElapsedMs(run) / 1000)}</span>
}
