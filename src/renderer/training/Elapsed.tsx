import { useEffect, useState } from 'react'
import type { RunSummary } from '../../shared/api/training'
import { formatSeconds } from '../runs/run-format'

/**
 * A run's training time, ticking each second while it runs. The stored `elapsedMs` grows only with
 * the heartbeat and when the run starts, pauses, resumes or ends, so a snapshot taken while it runs
 * lags: the clock counts on from the newest snapshot or from what it showed, whichever is later, so
 * that it never goes back while the run runs. Paused or ended, it shows the stored value.
 */
export function useElapsedMs(run: Pick<RunSummary, 'status' | 'elapsedMs' | 'updatedAt'>): number {
  const { status, elapsedMs, updatedAt } = run
  // Time counted on from this snapshot (keyed, so a new snapshot starts again from its own value).
  const snapshot = `${status} ${elapsedMs} ${updatedAt}`
  const [ticked, setTicked] = useState({ snapshot, ms: 0 })
  const [shown, setShown] = useState({ running: false, ms: elapsedMs })
  useEffect(() => {
    if (status !== 'running') return setShown({ running: false, ms: elapsedMs })
    const from = Date.now()
    const timer = setInterval(() => {
      const ms = Date.now() - from
      setTicked({ snapshot, ms })
      setShown((s) => ({ running: true, ms: Math.max(elapsedMs + ms, s.running ? s.ms + 1000 : 0) }))
    }, 1000)
    return () => clearInterval(timer)
  }, [status, snapshot, elapsedMs])
  const counted = elapsedMs + (ticked.snapshot === snapshot ? ticked.ms : 0)
  return status === 'running' && shown.running ? Math.max(counted, shown.ms) : counted
}

/** A run's training time as text (`42 s`), ticking while it trains. */
export function Elapsed({ run, testId }: { run: RunSummary; testId?: string }) {
  return <span data-testid={testId}>{formatSeconds(useElapsedMs(run) / 1000)}</span>
}
