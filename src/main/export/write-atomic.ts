import { existsSync } from 'node:fs'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { sweepStaleTemps, tempPathFor } from './temp-files'

export class ExportPathError extends Error {}

export interface FileToWrite {
  path: string
  data: Uint8Array | string
}

const reason = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message

/** Fails early, with what to do, when `path`'s folder is missing, not a folder, or not writable. */
export async function checkWritableFolder(path: string): Promise<void> {
  const folder = dirname(path)
  const s = await stat(folder).catch(() => null)
  if (!s) throw new ExportPathError(`The folder ${folder} does not exist. Create it or choose another place.`)
  if (!s.isDirectory()) throw new ExportPathError(`${folder} is not a folder. Choose another place.`)
  sweepStaleTemps(folder)
  const probe = tempPathFor(path)
  try {
    await writeFile(probe, '')
  } catch (e) {
    throw new ExportPathError(`Cannot write to ${folder} (${reason(e)}). Choose a folder you can write to.`)
  } finally {
    await rm(probe, { force: true })
  }
}

/**
 * Writes files so that none appears half-written under its own name: each goes to a temporary
 * name in its folder (temp-files.ts) and is renamed into place once every one was written. On a
 * failure the temporary files are removed and nothing at the destination changed; a killed process
 * leaves only temporary files, which the next export into the folder sweeps.
 *
 * With several files, the last is the one readers open first (TF.js's model.json): an existing one
 * is moved aside before any other file is replaced, and the new one is renamed into place last, so
 * a reader finds the old set, no entry file, or the new set, never model.json beside another
 * export's weights.
 */
export async function writeFilesAtomically(files: FileToWrite[]): Promise<void> {
  for (const folder of new Set(files.map((f) => dirname(f.path)))) sweepStaleTemps(folder)
  const temps: string[] = []
  const entry = files[files.length - 1]
  let aside: string | null = null
  let renamed = 0
  try {
    for (const f of files) {
      temps.push(tempPathFor(f.path))
      await writeFile(temps[temps.length - 1], f.data)
    }
    if (files.length > 1 && existsSync(entry.path)) {
      aside = tempPathFor(entry.path)
      await rename(entry.path, aside)
    }
    for (const [i, f] of files.entries()) {
      await rename(temps[i], f.path)
      renamed++
    }
  } catch (e) {
    await Promise.all(temps.slice(renamed).map((t) => rm(t, { force: true })))
    // The old entry file comes back only while the files it describes are still the old ones.
    if (aside && renamed === 0) await rename(aside, entry.path).catch(() => {})
    throw new ExportPathError(
      `Writing ${files.map((f) => f.path).join(', ')} failed: ${(e as Error).message}`,
    )
  } finally {
    if (aside) await rm(aside, { force: true })
  }
}

/**
 * Writes files into `folder`. A new folder is filled under a temporary name and renamed into place
 * whole, so an interrupted export leaves no folder under the target's name; into an existing one
 * the files are written as by {@link writeFilesAtomically} (its other contents are the user's).
 */
export async function writeFolderAtomically(
  folder: string,
  files: { name: string; data: Uint8Array | string }[],
): Promise<void> {
  if (existsSync(folder))
    return writeFilesAtomically(files.map((f) => ({ path: join(folder, f.name), data: f.data })))
  sweepStaleTemps(dirname(folder))
  const temp = tempPathFor(folder)
  try {
    await mkdir(temp)
    for (const f of files) await writeFile(join(temp, f.name), f.data)
    await rename(temp, folder)
  } catch (e) {
    await rm(temp, { recursive: true, force: true })
    throw new ExportPathError(`Writing ${folder} (${basename(folder)}/) failed: ${(e as Error).message}`)
  }
}
