import { randomBytes } from 'node:crypto'
import { readdirSync, rmSync } from 'node:fs'
import path from 'node:path'

/**
 * Export temporary files: `.<target name>.cnn-studio-tmp-<pid>-<random>` beside the target, so that
 * one is recognisable as ours and says which process wrote it. A process killed mid-export leaves
 * its temporary file behind; the next export into that folder removes those whose process is gone.
 */
const TEMP = /^\..*\.cnn-studio-tmp-(\d+)-[0-9a-f]+$/

/** A fresh temporary name beside `target`, in its folder (a rename to `target` stays on one disk). */
export function tempPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.cnn-studio-tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
  )
}

/** Whether process `pid` is running (EPERM: it is, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes the export temporary files (and TF.js temporary folders) in `folder` whose process is
 * gone; returns their names. This process's own are left alone: another export of ours may be
 * writing them. A reused pid only delays the removal to a later export.
 */
export function sweepStaleTemps(folder: string, alive = processAlive): string[] {
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    const pid = Number(TEMP.exec(name)?.[1])
    if (!pid || pid === process.pid || alive(pid)) continue
    try {
      rmSync(path.join(folder, name), { recursive: true, force: true })
      removed.push(name)
    } catch {
      // Not ours to insist on: a file we cannot remove stays for a later sweep.
    }
  }
  return removed
}
