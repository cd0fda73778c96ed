import { describe, expect, it } from 'vitest'
import {
  describeFault,
  isTransient,
  leavesRunResumable,
  retryWhileLocked,
  storageFaultOf,
} from './storage-faults'

const sqlite = (code: string, message: string) => Object.assign(new Error(message), { code })
const FULL = sqlite('SQLITE_FULL', 'database or disk is full')
const BUSY = sqlite('SQLITE_BUSY', 'database is locked')
const context = { file: '/data/cnn-studio.db', busyTimeoutMs: 5000, epochsDone: 2 }

describe('storage faults', () => {
  it('are told apart by SQLite result code', () => {
    expect(storageFaultOf(FULL)).toBe('full')
    expect(storageFaultOf(BUSY)).toBe('locked')
    expect(storageFaultOf(sqlite('SQLITE_BUSY_SNAPSHOT', 'x'))).toBe('locked')
    expect(storageFaultOf(sqlite('SQLITE_LOCKED', 'x'))).toBe('locked')
    expect(storageFaultOf(sqlite('SQLITE_IOERR_WRITE', 'disk I/O error'))).toBe('unwritable')
    expect(storageFaultOf(sqlite('SQLITE_READONLY', 'x'))).toBe('unwritable')
    expect(storageFaultOf(sqlite('SQLITE_CORRUPT', 'x'))).toBe('damaged')
    expect(storageFaultOf(sqlite('SQLITE_CONSTRAINT_CHECK', 'x'))).toBe('other')
    expect(storageFaultOf(new TypeError('undefined is not an object'))).toBe('internal')
    expect(isTransient(BUSY)).toBe(true)
    expect(isTransient(FULL)).toBe(false)
    expect(leavesRunResumable(FULL)).toBe(true)
    expect(leavesRunResumable(sqlite('SQLITE_CORRUPT', 'x'))).toBe(false)
  })

  it('say what happened and what to do, starting with the cause', () => {
    expect(describeFault(FULL, context)).toBe(
      'The database is full: SQLite could not write /data/cnn-studio.db (database or disk is full). Free space on the disk holding it, then resume this run: it continues from the epoch 2 checkpoint.',
    )
    expect(describeFault(BUSY, { ...context, epochsDone: 0 })).toBe(
      'Another program holds the database /data/cnn-studio.db locked (SQLite waited 5 s, and again after retrying: database is locked). Close it (another CNN Studio, a sqlite3 shell, a backup or sync tool), then resume this run: it continues from the start.',
    )
    expect(describeFault(sqlite('SQLITE_IOERR_WRITE', 'disk I/O error'), context)).toMatch(
      /^The database \/data\/cnn-studio\.db cannot be written \(SQLITE_IOERR_WRITE: disk I\/O error\)\. Check that its disk is attached and writable/,
    )
    expect(describeFault(new TypeError('x is undefined'), context)).toBe(
      'CNN Studio could not record this run (x is undefined); please report it. Resume it to continue from the epoch 2 checkpoint.',
    )
  })
})

describe('retryWhileLocked', () => {
  it('retries a write that found the database locked, and gives up after the retries', async () => {
    let calls = 0
    const flaky = () => {
      if (++calls < 3) throw BUSY
      return 'written'
    }
    await expect(retryWhileLocked(flaky, { retries: 2, delayMs: 1 })).resolves.toBe('written')
    expect(calls).toBe(3)
    calls = 0
    await expect(retryWhileLocked(flaky, { retries: 1, delayMs: 1 })).rejects.toBe(BUSY)
    expect(calls).toBe(2)
  })

  it('does not retry any other failure', async () => {
    let calls = 0
    await expect(
      retryWhileLocked(
        () => {
          calls++
          throw FULL
        },
        { retries: 5, delayMs: 1 },
      ),
    ).rejects.toBe(FULL)
    expect(calls).toBe(1)
  })
})
