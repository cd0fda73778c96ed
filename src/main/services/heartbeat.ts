/**
 * How a stored live run shows that it is still being trained: the supervisor of the process
 * training it writes `heartbeat_at` every HEARTBEAT_MS, and any process that finds a live run
 * silent for STALE_AFTER_MS marks it interrupted, whatever its owner's process id says (ids are
 * reused, after a reboot above all).
 */

function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name])
  return process.env[name] && Number.isFinite(v) && v > 0 ? v : fallback
}

/** Every 5 s; `CNN_STUDIO_HEARTBEAT_MS` overrides it (tests that kill a trainer use 200 ms). */
export const HEARTBEAT_MS = envMs('CNN_STUDIO_HEARTBEAT_MS', 5_000)

/**
 * Six missed heartbeats and at least 30 s: more than the main thread can be held up by a large
 * checkpoint's write or by waiting out another program's lock.
 */
export const STALE_AFTER_MS = Math.max(30_000, 6 * HEARTBEAT_MS)

/** "45 s", "10 min", "3 h": how long a run has been silent, for messages. */
export function silence(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`
  return `${Math.round(ms / 3_600_000)} h`
}
