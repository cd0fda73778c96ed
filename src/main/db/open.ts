import { accessSync, constants, mkdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { DB_FILE } from '../data-dir'
import { DatabaseOpenError, explain, openConnection, type DB } from './connection'
import { migrate, refuseNewer } from './migrations'

/**
 * Opens the project database in a data folder, creating the folder and the file when missing, and
 * migrates it to the latest schema. Throws a `DatabaseOpenError` that says what to do.
 */
export function openDataDatabase(dataDir: string): DB {
  const file = path.join(dataDir, DB_FILE)
  try {
    mkdirSync(dataDir, { recursive: true })
    if (!statSync(dataDir).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' })
    accessSync(dataDir, constants.W_OK)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error'
    throw new DatabaseOpenError(
      'not-writable',
      code === 'ENOTDIR' || code === 'EEXIST'
        ? `The data folder ${dataDir} is not a folder (a file is in the way). Choose another with --data DIR or the CNN_STUDIO_DATA environment variable.`
        : `The data folder ${dataDir} is not writable (${code}). CNN Studio keeps its projects there: make it writable, or choose another with --data DIR or the CNN_STUDIO_DATA environment variable.`,
      { cause: e },
    )
  }
  const db = openConnection(file, (db) => refuseNewer(db))
  try {
    migrate(db)
    return db
  } catch (e) {
    db.close()
    throw explain(e, file)
  }
}
