import { readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { RUNS_FOLDER } from '../data-dir'
import type { DB } from '../db/connection'

/**
 * Removes the folders under `<data folder>/runs/` of runs the database no longer holds: a deleted
 * run's, every run of a deleted project (their rows go by cascade), and any a crash left behind.
 * Best effort: a folder that cannot be removed now is tried again at the next deletion.
 */
export function sweepRunFolders(dataDir: string, db: DB): void {
  const dir = path.join(dataDir, RUNS_FOLDER)
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  const held = db.prepare<[string], number>('SELECT 1 FROM runs WHERE id = ?').pluck()
  for (const name of names)
    if (held.get(name) === undefined)
      try {
        rmSync(path.join(dir, name), { recursive: true, force: true })
      } catch {
        // In use (Windows), or no permission: left for the next sweep.
      }
}
