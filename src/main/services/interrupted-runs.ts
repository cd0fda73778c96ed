import type { RunsRepo } from '../db/runs-repo'

/** Whether a process is alive; EPERM means it is, but belongs to another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Marks interrupted the runs stored as queued, running or paused whose owning process is gone
 * (killed, crashed, the machine restarted), and those this process owns but does not run.
 */
export function interruptOrphanedRuns(
  runs: RunsRepo,
  runningHere: (runId: string) => boolean,
  now: () => string,
): void {
  for (const { run, ownerPid } of runs.live()) {
    const ours = ownerPid === process.pid
    if (ours ? runningHere(run.id) : ownerPid !== null && isAlive(ownerPid)) continue
    const at = run.epochsDone
    runs.setStatus(
      run.id,
      'interrupted',
      `The process training this run ended (killed or crashed) during epoch ${at + 1}. Resume it to continue from ${at ? `the epoch ${at} checkpoint` : 'the start'}.`,
      now(),
    )
  }
}
