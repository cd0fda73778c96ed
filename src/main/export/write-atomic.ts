import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export class ExportPathError extends Error {}

/** Fails early, with what to do, when `path`'s folder is missing, not a folder, or not writable. */
export async function checkWritableFolder(path: string): Promise<void> {
  const folder = dirname(path)
  const s = await stat(folder).catch(() => null)
  if (!s) throw new ExportPathError(`The folder ${folder} does not exist. Create it or choose another place.`)
  if (!s.isDirectory()) throw new ExportPathError(`${folder} is not a folder. Choose another place.`)
  const probe = join(folder, `.${basename(path)}.${randomBytes(4).toString('hex')}.probe`)
  try {
    await writeFile(probe, '')
  } catch (e) {
    throw new ExportPathError(
      `Cannot write to ${folder} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Choose a folder you can write to.`,
    )
  } finally {
    await rm(probe, { force: true })
  }
}

/**
 * Writes files so that none appears half-written: each goes to a temporary name in the same folder
 * first and is renamed into place only once every one was written; on any failure the temporary
 * files are removed and nothing at the destination changed.
 */
export async function writeFilesAtomically(
  files: { path: string; data: Uint8Array | string }[],
): Promise<void> {
  const temps: { temp: string; path: string }[] = []
  try {
    for (const f of files) {
      await mkdir(dirname(f.path), { recursive: true })
      const temp = join(dirname(f.path), `.${basename(f.path)}.${randomBytes(4).toString('hex')}.partial`)
      temps.push({ temp, path: f.path })
      await writeFile(temp, f.data)
    }
    for (const t of temps) await rename(t.temp, t.path)
  } catch (e) {
    await Promise.all(temps.map((t) => rm(t.temp, { force: true })))
    throw new ExportPathError(
      `Writing ${files.map((f) => f.path).join(', ')} failed: ${(e as Error).message}`,
    )
  }
}
