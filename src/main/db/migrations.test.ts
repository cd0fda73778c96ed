import { readFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { DB_FILE } from '../data-dir'
import { DatabaseOpenError, openConnection } from './connection'
import { migrate, MIGRATIONS, SCHEMA_VERSION, userVersion } from './migrations'
import { openDataDatabase } from './open'
import { tempDir } from './test-kit'

const tables = (db: Database.Database) =>
  db
    .prepare<[], { name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
    .all()
    .map((r) => r.name)

describe('migrate', () => {
  it('builds the schema from an empty database and sets user_version', () => {
    const db = openConnection(path.join(tempDir(), DB_FILE))
    expect(userVersion(db)).toBe(0)
    expect(migrate(db)).toEqual(MIGRATIONS.map((m) => m.version))
    expect(userVersion(db)).toBe(SCHEMA_VERSION)
    expect(tables(db)).toEqual([
      'checkpoints',
      'datasets',
      'evaluations',
      'graph_versions',
      'projects',
      'run_metrics',
      'runs',
      'settings',
      'sqlite_sequence',
    ])
    expect(migrate(db)).toEqual([])
    db.close()
  })

  it('rolls a failing migration back whole and keeps the previous version', () => {
    const db = openConnection(path.join(tempDir(), DB_FILE))
    const broken = [
      ...MIGRATIONS,
      { version: SCHEMA_VERSION + 1, name: 'broken', sql: 'CREATE TABLE x (a); SELECT nope FROM missing' },
    ]
    expect(() => migrate(db, broken)).toThrow(/no such table: missing/)
    expect(userVersion(db)).toBe(SCHEMA_VERSION)
    expect(tables(db)).not.toContain('x')
    db.close()
  })

  it('refuses a database from a newer CNN Studio and leaves the file untouched', () => {
    const dir = tempDir()
    const file = path.join(dir, DB_FILE)
    const newer = new Database(file)
    newer.exec('CREATE TABLE future (a)')
    newer.pragma(`user_version = ${SCHEMA_VERSION + 5}`)
    newer.close()
    const before = readFileSync(file)
    let error: unknown
    try {
      openDataDatabase(dir)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DatabaseOpenError)
    expect((error as DatabaseOpenError).reason).toBe('newer')
    expect((error as Error).message).toBe(
      `${file} was written by a newer CNN Studio (database schema version ${SCHEMA_VERSION + 5}; this one knows up to ${SCHEMA_VERSION}). The file was left untouched: update CNN Studio, or choose another data folder with --data DIR or the CNN_STUDIO_DATA environment variable.`,
    )
    expect(readFileSync(file).equals(before)).toBe(true)
  })
})

/** A database at schema `version` holding one project, its version and run 'r' with `columns`. */
function databaseWithRun(version: number, columns: Record<string, string | number>) {
  const db = openConnection(path.join(tempDir(), DB_FILE))
  migrate(db, MIGRATIONS.slice(0, version))
  const at = '2025-01-01T00:00:00.000Z'
  db.prepare(`INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p', 'P', ?, ?)`).run(at, at)
  db.prepare(`INSERT INTO graph_versions (project_id, created_at, document) VALUES ('p', ?, '{}')`).run(at)
  const names = Object.keys(columns)
  db.prepare(
    `INSERT INTO runs (id, graph_version_id, hyperparameters, created_at, updated_at, ${names.join(', ')})
     VALUES ('r', 1, '{}', @at, @at, ${names.map((n) => `@${n}`).join(', ')})`,
  ).run({ at, ...columns })
  return db
}

describe('migration 3 (run heartbeat)', () => {
  it('adds the owner, heartbeat and resumable columns to a version 2 database, keeping its runs', () => {
    const db = databaseWithRun(2, { status: 'running', owner_pid: 42 })
    expect(migrate(db, MIGRATIONS.slice(0, 3))).toEqual([3])
    expect(db.prepare('SELECT owner_pid, owner_id, heartbeat_at, resumable FROM runs').get()).toEqual({
      owner_pid: 42,
      owner_id: null,
      heartbeat_at: null,
      resumable: 0,
    })
    expect(() => db.prepare(`UPDATE runs SET resumable = 2`).run()).toThrow(/CHECK constraint failed/)
    db.close()
  })
})

describe('migration 4 (run engine)', () => {
  it('records every earlier run as TF.js without options, and checks the options are JSON', () => {
    const db = databaseWithRun(3, { status: 'finished', backend: 'wasm' })
    expect(migrate(db, MIGRATIONS.slice(0, 4))).toEqual([4])
    expect(db.prepare('SELECT backend, engine, engine_options FROM runs').get()).toEqual({
      backend: 'wasm',
      engine: 'tfjs',
      engine_options: null,
    })
    expect(() => db.prepare(`UPDATE runs SET engine_options = '{'`).run()).toThrow(/CHECK constraint failed/)
    db.prepare(`UPDATE runs SET engine = 'pytorch', engine_options = '{"processes":2,"device":"cpu"}'`).run()
    db.close()
  })
})

describe('the schema', () => {
  const db = openDataDatabase(tempDir())
  const at = '2025-01-01T00:00:00.000Z'
  db.prepare(`INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p', 'P', ?, ?)`).run(at, at)
  const version = db
    .prepare(`INSERT INTO graph_versions (project_id, created_at, document) VALUES ('p', ?, '{}')`)
    .run(at).lastInsertRowid
  const run = db.prepare(
    `INSERT INTO runs (id, graph_version_id, status, hyperparameters, created_at, updated_at)
     VALUES (?, ?, ?, '{}', ?, ?)`,
  )

  it('checks run statuses, JSON columns and foreign keys', () => {
    expect(() => run.run('r0', version, 'exploded', at, at)).toThrow(/CHECK constraint failed/)
    expect(() =>
      db
        .prepare(`INSERT INTO graph_versions (project_id, created_at, document) VALUES ('p', ?, '{')`)
        .run(at),
    ).toThrow(/CHECK constraint failed/)
    expect(() =>
      db
        .prepare(`INSERT INTO graph_versions (project_id, created_at, document) VALUES ('nobody', ?, '{}')`)
        .run(at),
    ).toThrow(/FOREIGN KEY constraint failed/)
    for (const status of ['queued', 'running', 'paused', 'finished', 'failed', 'interrupted', 'stopped'])
      run.run(`r-${status}`, version, status, at, at)
  })

  it('deletes versions, runs, metrics and checkpoints with their project', () => {
    run.run('r1', version, 'finished', at, at)
    db.prepare(
      `INSERT INTO run_metrics (run_id, epoch, batch, kind, name, value) VALUES ('r1', 0, 3, 'train', 'loss', 0.5)`,
    ).run()
    db.prepare(
      `INSERT INTO checkpoints (run_id, epoch, created_at, weights, is_best) VALUES ('r1', 0, ?, ?, 1)`,
    ).run(at, Buffer.from([1, 2, 3]))
    db.prepare(`DELETE FROM projects WHERE id = 'p'`).run()
    for (const t of ['graph_versions', 'runs', 'run_metrics', 'checkpoints'])
      expect(db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${t}`).get()!.n, t).toBe(0)
  })
})

describe('migration 5 (evaluations)', () => {
  it('adds the evaluations table to a version 4 database: JSON checked, gone with its run', () => {
    const db = databaseWithRun(4, { status: 'finished', backend: 'wasm' })
    expect(migrate(db)).toEqual([5])
    const insert = db.prepare(
      `INSERT INTO evaluations (run_id, split, epoch, created_at, result) VALUES ('r', ?, 1, '2025-01-01', ?)`,
    )
    insert.run('test', '{}')
    expect(() => insert.run('validation', 'not json')).toThrow(/CHECK constraint failed/)
    expect(() => insert.run('train', '{}')).toThrow(/CHECK constraint failed/)
    expect(() => insert.run('test', '{}')).toThrow(/UNIQUE constraint failed/)
    db.prepare(`DELETE FROM runs`).run()
    expect(db.prepare('SELECT COUNT(*) AS n FROM evaluations').get()).toEqual({ n: 0 })
    db.close()
  })
})
