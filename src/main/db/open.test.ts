import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DB_FILE } from '../data-dir'
import { DatabaseOpenError } from './connection'
import { SCHEMA_VERSION, userVersion } from './migrations'
import { openDataDatabase } from './open'
import { createProjectsRepo } from './projects-repo'
import { tempDir } from './test-kit'

const project = {
  id: 'p1',
  name: 'Kept',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  lastOpenedAt: null,
  viewState: { viewport: { x: 1, y: 2, zoom: 0.5 }, selection: ['a'] },
}

function failure(dir: string): DatabaseOpenError {
  try {
    openDataDatabase(dir).close()
  } catch (e) {
    expect(e).toBeInstanceOf(DatabaseOpenError)
    return e as DatabaseOpenError
  }
  throw new Error('expected the open to fail')
}

describe('openDataDatabase', () => {
  it('creates the data folder and a migrated database in WAL mode', () => {
    const dir = path.join(tempDir(), 'nested', 'data')
    const db = openDataDatabase(dir)
    expect(db.name).toBe(path.join(dir, DB_FILE))
    expect(userVersion(db)).toBe(SCHEMA_VERSION)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('keeps the data when reopened', () => {
    const dir = tempDir()
    const db = openDataDatabase(dir)
    createProjectsRepo(db).insert(project)
    db.close()
    const again = openDataDatabase(dir)
    expect(createProjectsRepo(again).get('p1')).toEqual(project)
    again.close()
  })

  it('explains a file in the way of the data folder', () => {
    const file = path.join(tempDir(), 'data')
    writeFileSync(file, 'x')
    const e = failure(file)
    expect(e.reason).toBe('not-writable')
    expect(e.message).toBe(
      `The data folder ${file} is not a folder (a file is in the way). Choose another with --data DIR or the CNN_STUDIO_DATA environment variable.`,
    )
    expect(failure(path.join(file, 'below')).reason).toBe('not-writable')
  })

  it('refuses a corrupt database file, naming it, and leaves it byte-identical', () => {
    const dir = tempDir()
    const file = path.join(dir, DB_FILE)
    const junk = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 256))
    writeFileSync(file, junk)
    const e = failure(dir)
    expect(e.reason).toBe('not-a-database')
    expect(e.message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a SQLite database`),
    )
    expect(e.message).toContain('The file was left untouched')
    expect(readFileSync(file).equals(junk)).toBe(true)
  })
})
