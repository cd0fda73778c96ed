import { useEffect, useState } from 'react'
import type { RunSummary } from '../../shared/api/training'

/**
 * A run's training time, ticking each second while it runs. The stored `elapsedMs` grows only when
 * the run starts, pauses, resumes or ends, so between those the clock counts on from the snapshot's
 * value and the moment it arrived; it stops when the run pauses or ends (that snapshot has the
 * stored value).
 */
export function useElapsedMs(run: Pick<RunSummary, 'status' | 'elapsedMs' | 'updatedAt'>): number {
  const { status, elapsedMs, updatedAt } = run
  // Time counted on from this snapshot (keyed, so a new snapshot starts again from its own value).
  const snapshot = `${status} ${elapsedMs} ${updatedAt}`
  const [ticked, setTicked] = useState({ snapshot, ms: 0 })
  useEffect(() => {
    if (status !== 'running') return
    const from = Date.now()
    const timer = setInterval(() => setTicked({ snapshot, ms: Date.now() - from }), 1000)
    return () => clearInterval(timer)
  }, [status, snapshot])
  return elapsedMs + (ticked.snapshot === snapshot ? ticked.ms : 0)
}
