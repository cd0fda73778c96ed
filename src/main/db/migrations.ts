import { DatabaseOpenError, type DB } from './connection'
import { INITIAL } from './migrations/0001-initial'
import { RUN_PROGRESS } from './migrations/0002-run-progress'
import { RUN_HEARTBEAT } from './migrations/0003-run-heartbeat'
import { RUN_ENGINE } from './migrations/0004-run-engine'
import { EVALUATIONS } from './migrations/0005-evaluations'

export interface Migration {
  /** The `user_version` the database has once this migration has run: 1, 2, 3 … in order. */
  version: number
  name: string
  sql: string
}

/** Every schema change, in order. Never edit a released one: add the next. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: INITIAL },
  { version: 2, name: 'run progress', sql: RUN_PROGRESS },
  { version: 3, name: 'run heartbeat', sql: RUN_HEARTBEAT },
  { version: 4, name: 'run engine', sql: RUN_ENGINE },
  { version: 5, name: 'evaluations', sql: EVALUATIONS },
]

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version

export function userVersion(db: DB): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Refuses a database written by a newer CNN Studio; runs before anything is written to the file. */
export function refuseNewer(db: DB, latest = SCHEMA_VERSION): void {
  const v = userVersion(db)
  if (v > latest)
    throw new DatabaseOpenError(
      'newer',
      `${db.name} was written by a newer CNN Studio (database schema version ${v}; this one knows up to ${latest}). The file was left untouched: update CNN Studio, or choose another data folder with --data DIR or the CNN_STUDIO_DATA environment variable.`,
    )
}

/**
 * Brings the database to the latest schema: each pending migration runs in its own transaction,
 * which also sets `user_version`, so a failure leaves the database at the previous version. The
 * transactions are IMMEDIATE and re-read the version, so two processes starting together migrate
 * once. Returns the versions applied.
 */
export function migrate(db: DB, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const latest = migrations.at(-1)?.version ?? 0
  refuseNewer(db, latest)
  const applied: number[] = []
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version < 1) throw new Error(`Bad migration version ${m.version}`)
    db.transaction(() => {
      if (userVersion(db) >= m.version) return
      if (userVersion(db) !== m.version - 1)
        throw new Error(`Migration ${m.version} (${m.name}) needs schema version ${m.version - 1}`)
      db.exec(m.sql)
      // PRAGMA takes no bound parameters; the version is an integer constant checked above.
      db.pragma(`user_version = ${m.version}`)
      applied.push(m.version)
    }).immediate()
  }
  return applied
}
