import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { DB } from './connection'
import { openDataDatabase } from './open'

/** A fresh empty folder under the OS temp folder, for tests against real SQLite files. */
export function tempDir(prefix = 'cnn-studio-db-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix))
}

/** A migrated database in a fresh temp data folder. */
export function openTestDb(): { dir: string; db: DB } {
  const dir = tempDir()
  return { dir, db: openDataDatabase(dir) }
}
