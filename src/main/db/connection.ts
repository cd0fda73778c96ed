import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs'
import Database from 'better-sqlite3'

export type DB = Database.Database

export type OpenFailure = 'not-writable' | 'not-a-database' | 'corrupt' | 'newer' | 'busy' | 'other'

/** Why the database could not be opened, in words a user can act on. */
export class DatabaseOpenError extends Error {
  readonly reason: OpenFailure
  constructor(reason: OpenFailure, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'DatabaseOpenError'
    this.reason = reason
  }
}

/** How long a statement waits for another process (the app and `cnn-studio serve`) to release a lock. */
export const BUSY_TIMEOUT_MS = 5000

/** The busy timeout new connections get: {@link BUSY_TIMEOUT_MS}, or `CNN_STUDIO_BUSY_TIMEOUT_MS`. */
export function busyTimeoutMs(): number {
  const v = Number(process.env.CNN_STUDIO_BUSY_TIMEOUT_MS)
  return process.env.CNN_STUDIO_BUSY_TIMEOUT_MS && Number.isInteger(v) && v >= 0 ? v : BUSY_TIMEOUT_MS
}

const SQLITE_HEADER = 'SQLite format 3\0'
const ELSEWHERE = 'choose another data folder with --data DIR or the CNN_STUDIO_DATA environment variable'

/**
 * Opens (or creates) a SQLite file: WAL journal, foreign keys on, a busy timeout. `check` runs
 * first, before anything is written (it may refuse the file, e.g. one from a newer app); a file
 * that is not a SQLite database is refused before SQLite even opens it, so it is left as it was.
 */
export function openConnection(file: string, check?: (db: DB) => void): DB {
  refuseForeignFile(file)
  let db: DB | undefined
  try {
    db = new Database(file, { timeout: busyTimeoutMs() })
    // Reads page 1 and the schema: a damaged file fails here, before any write.
    db.prepare('SELECT count(*) FROM sqlite_schema').get()
    check?.(db)
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    return db
  } catch (e) {
    db?.close()
    throw explain(e, file)
  }
}

/**
 * Anything but an empty file or one starting with SQLite's header is not ours to open. A file we
 * may not write is refused too: SQLite would silently open it read-only and fail at the first save.
 */
function refuseForeignFile(file: string): void {
  let size: number
  try {
    size = statSync(file).size
  } catch {
    return // Not there yet: SQLite creates it.
  }
  try {
    accessSync(file, constants.R_OK | constants.W_OK)
  } catch (e) {
    throw explain(e, file)
  }
  if (size === 0) return
  const head = Buffer.alloc(SQLITE_HEADER.length)
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (e) {
    throw explain(e, file)
  }
  try {
    readSync(fd, head, 0, head.length, 0)
  } finally {
    closeSync(fd)
  }
  if (head.toString('latin1') !== SQLITE_HEADER)
    throw new DatabaseOpenError(
      'not-a-database',
      `${file} is not a SQLite database, so CNN Studio cannot read its projects from it. The file was left untouched: move it away to start a new database, or ${ELSEWHERE}.`,
    )
}

/** Turns a SQLite or file-system error into a `DatabaseOpenError` that says what to do. */
export function explain(e: unknown, file: string): DatabaseOpenError {
  if (e instanceof DatabaseOpenError) return e
  const code = String((e as { code?: unknown }).code ?? '')
  const detail = e instanceof Error ? e.message : String(e)
  if (code === 'SQLITE_NOTADB')
    return new DatabaseOpenError(
      'not-a-database',
      `${file} is not a SQLite database (SQLite: "${detail}"). The file was left untouched: move it away to start a new database, or ${ELSEWHERE}.`,
      { cause: e },
    )
  if (code.startsWith('SQLITE_CORRUPT'))
    return new DatabaseOpenError(
      'corrupt',
      `${file} is damaged (SQLite: "${detail}"). The file was left untouched: keep a copy, try the sqlite3 shell's .recover command on it, or move it away to start a new database.`,
      { cause: e },
    )
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new DatabaseOpenError(
      'busy',
      `${file} is locked by another process for more than ${busyTimeoutMs() / 1000} s (SQLite: "${detail}"). Close the other CNN Studio and try again.`,
      { cause: e },
    )
  if (
    ['EACCES', 'EPERM', 'EROFS'].includes(code) ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_PERM'
  )
    return new DatabaseOpenError(
      'not-writable',
      `Cannot write ${file} (${detail.startsWith(code) ? detail : `${code}: ${detail}`}). Make the file and its folder writable, or ${ELSEWHERE}.`,
      { cause: e },
    )
  return new DatabaseOpenError('other', `Cannot open ${file}: ${detail}`, { cause: e })
}
