/**
 * What a failed database write means for a run, and the one retry policy for writes made outside
 * a request (the supervisor's): SQLite first waits its busy timeout for another connection's lock,
 * then the write is retried a few times without blocking, and anything else is a fault that ends
 * the run with what to do.
 */

export type StorageFault = 'full' | 'locked' | 'unwritable' | 'damaged' | 'other' | 'internal'

/** The kind of a write's failure: a SQLite result code (better-sqlite3's `code`), or `internal`. */
export function storageFaultOf(e: unknown): StorageFault {
  const code = String((e as { code?: unknown } | null)?.code ?? '')
  if (!code.startsWith('SQLITE_')) return 'internal'
  if (code === 'SQLITE_FULL') return 'full'
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked'
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'damaged'
  if (/^SQLITE_(READONLY|IOERR|CANTOPEN|PERM)/.test(code)) return 'unwritable'
  return 'other'
}

/** Whether waiting may cure it: another connection holds the lock. */
export const isTransient = (e: unknown): boolean => storageFaultOf(e) === 'locked'

/** A damaged database is not written again by resuming; every other fault leaves a resumable run. */
export const leavesRunResumable = (e: unknown): boolean => storageFaultOf(e) !== 'damaged'

export interface FaultContext {
  /** The database file. */
  file: string
  /** How long SQLite waited for a lock, in ms. */
  busyTimeoutMs: number
  /** Epochs finished and checkpointed: where a resume continues from. */
  epochsDone: number
}

/** Why the run could not be recorded and what to do, first words first ("The database is full"). */
export function describeFault(e: unknown, c: FaultContext): string {
  const detail = e instanceof Error ? e.message : String(e)
  const code = String((e as { code?: unknown } | null)?.code ?? '')
  const from = c.epochsDone ? `the epoch ${c.epochsDone} checkpoint` : 'the start'
  const resume = `then resume this run: it continues from ${from}.`
  switch (storageFaultOf(e)) {
    case 'full':
      return `The database is full: SQLite could not write ${c.file} (${detail}). Free space on the disk holding it, ${resume}`
    case 'locked':
      return `Another program holds the database ${c.file} locked (SQLite waited ${c.busyTimeoutMs / 1000} s, and again after retrying: ${detail}). Close it (another CNN Studio, a sqlite3 shell, a backup or sync tool), ${resume}`
    case 'unwritable':
      return `The database ${c.file} cannot be written (${code}: ${detail}). Check that its disk is attached and writable, ${resume}`
    case 'damaged':
      return `The database ${c.file} is damaged (${detail}). Keep a copy and try the sqlite3 shell's .recover command on it; this run's last checkpoint was ${from}.`
    case 'other':
      return `CNN Studio could not record this run in ${c.file} (${code}: ${detail}). Resume it to continue from ${from}; if this happens again, please report it.`
    case 'internal':
      return `CNN Studio could not record this run (${detail}); please report it. Resume it to continue from ${from}.`
  }
}

export interface RetryPolicy {
  /** Attempts after the first, each after `delayMs`. */
  retries: number
  delayMs: number
}

export const WRITE_RETRY: RetryPolicy = { retries: 2, delayMs: 250 }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Runs a synchronous write; while it fails because another connection holds the lock (after
 * SQLite's own busy wait), tries again after a pause that lets the event loop run. Other errors,
 * and a lock that outlasts the retries, are thrown.
 */
export async function retryWhileLocked<T>(write: () => T, policy: RetryPolicy = WRITE_RETRY): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return write()
    } catch (e) {
      if (!isTransient(e) || attempt >= policy.retries) throw e
      await sleep(policy.delayMs)
    }
  }
}
