import { existsSync, readFileSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { BUSY_TIMEOUT_MS, DatabaseOpenError, openConnection } from './connection'
import { tempDir } from './test-kit'

/** Root ignores file permissions, so the permission tests only mean something for other users. */
const isRoot = process.getuid?.() === 0

function openError(file: string): DatabaseOpenError {
  try {
    openConnection(file).close()
  } catch (e) {
    expect(e).toBeInstanceOf(DatabaseOpenError)
    return e as DatabaseOpenError
  }
  throw new Error('expected the open to fail')
}

describe('openConnection', () => {
  it('creates the file in WAL mode with foreign keys and a busy timeout', () => {
    const file = path.join(tempDir(), 'a.db')
    const db = openConnection(file)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS)
    db.close()
    expect(existsSync(file)).toBe(true)
  })

  it('takes its busy timeout from CNN_STUDIO_BUSY_TIMEOUT_MS when set', () => {
    process.env.CNN_STUDIO_BUSY_TIMEOUT_MS = '250'
    try {
      const db = openConnection(path.join(tempDir(), 't.db'))
      expect(db.pragma('busy_timeout', { simple: true })).toBe(250)
      db.close()
    } finally {
      delete process.env.CNN_STUDIO_BUSY_TIMEOUT_MS
    }
  })

  it('runs the check before anything is written', () => {
    const file = path.join(tempDir(), 'b.db')
    new Database(file).pragma('user_version = 3')
    const before = readFileSync(file)
    expect(() =>
      openConnection(file, () => {
        throw new DatabaseOpenError('newer', 'refused')
      }),
    ).toThrow('refused')
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('refuses a file that is not SQLite, says so, and leaves it byte for byte as it was', () => {
    const dir = tempDir()
    const file = path.join(dir, 'c.db')
    const content = Buffer.from('{"format": "cnn-studio/graph", "this is": "not a database"}\n'.repeat(200))
    writeFileSync(file, content)
    const e = openError(file)
    expect(e.reason).toBe('not-a-database')
    expect(e.message).toContain(`${file} is not a SQLite database`)
    expect(e.message).toContain('left untouched')
    expect(readFileSync(file).equals(content)).toBe(true)
    expect(existsSync(`${file}-wal`) || existsSync(`${file}-shm`)).toBe(false)
  })

  it('refuses a damaged SQLite file and leaves it as it was', () => {
    const file = path.join(tempDir(), 'd.db')
    const db = new Database(file)
    db.exec('CREATE TABLE t (a); INSERT INTO t VALUES (1)')
    db.close()
    const damaged = readFileSync(file)
    damaged.fill(0xab, 100)
    writeFileSync(file, damaged)
    const e = openError(file)
    expect(e.reason).toBe('corrupt')
    expect(e.message).toMatch(/is damaged \(SQLite: "database disk image is malformed"\).*left untouched/)
    expect(readFileSync(file).equals(damaged)).toBe(true)
  })

  it('refuses a SQLite header over garbage', () => {
    const file = path.join(tempDir(), 'e.db')
    const content = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0xff)])
    writeFileSync(file, content)
    const e = openError(file)
    expect(['not-a-database', 'corrupt']).toContain(e.reason)
    expect(e.message).toContain('left untouched')
    expect(readFileSync(file).equals(content)).toBe(true)
  })

  it.skipIf(isRoot)('explains a folder it cannot write', () => {
    const dir = path.join(tempDir(), 'ro')
    mkdirSync(dir)
    chmodSync(dir, 0o500)
    const e = openError(path.join(dir, 'f.db'))
    expect(e.reason).toBe('not-writable')
    expect(e.message).toMatch(/--data DIR/)
    chmodSync(dir, 0o700)
  })

  it.skipIf(isRoot)('explains a database file it cannot write, rather than opening it read-only', () => {
    const file = path.join(tempDir(), 'g.db')
    openConnection(file).close()
    chmodSync(file, 0o400)
    const e = openError(file)
    expect(e.reason).toBe('not-writable')
    expect(e.message).toMatch(/^Cannot write .*g\.db \(EACCES/)
  })
})
