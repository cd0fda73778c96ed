import type { LiveRun, RunsRepo } from '../db/runs-repo'
import { silence, STALE_AFTER_MS } from './heartbeat'

/** Whether a process is alive; EPERM means it is, but belongs to another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface Orphans {
  /** The training service instance asking (runs.owner_id). */
  ownerId: string
  /** Whether this instance trains the run now. */
  runningHere: (runId: string) => boolean
  now: () => string
  staleAfterMs?: number
}

/** Why a live run has nobody training it, or null when somebody does. */
function orphaned(l: LiveRun, o: Orphans, now: number): { silentMs: number } | 'ended' | null {
  if (l.ownerId === o.ownerId) return o.runningHere(l.run.id) ? null : 'ended'
  // Another instance's run (in this process or another): alive while its heartbeat is fresh.
  const silentMs = now - Date.parse(l.heartbeatAt)
  if (!(silentMs <= (o.staleAfterMs ?? STALE_AFTER_MS))) return { silentMs }
  // A process that is gone needs no wait (a kill, then a resume at once); a live one may be a reused id.
  if (l.ownerPid !== null && l.ownerPid !== process.pid && !isAlive(l.ownerPid)) return 'ended'
  return null
}

/**
 * Marks interrupted the runs stored as queued, running or paused that nobody trains any more: their
 * heartbeat is stale (whatever their process id says: ids are reused), their process is gone, or
 * they are this instance's but it does not train them. Another instance's run with a fresh
 * heartbeat, in this process or another, is left alone.
 */
export function interruptOrphanedRuns(runs: RunsRepo, o: Orphans): void {
  const at = o.now()
  for (const l of runs.live()) {
    const why = orphaned(l, o, Date.parse(at))
    if (!why) continue
    const epoch = l.run.epochsDone
    const cause =
      why === 'ended'
        ? 'ended (killed or crashed)'
        : `stopped reporting (no heartbeat for ${silence(why.silentMs)})`
    runs.interrupt(
      l.run.id,
      `The process training this run ${cause} during epoch ${epoch + 1}. Resume it to continue from ${epoch ? `the epoch ${epoch} checkpoint` : 'the start'}.`,
      l.heartbeatAt,
      at,
    )
  }
}
