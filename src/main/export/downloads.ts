import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { processAlive } from './temp-files'

/**
 * Exports waiting to be downloaded (browser mode): each verified export is kept under
 * `<data folder>/downloads/<pid>-<random id>/` until the browser fetches it once, or until it
 * expires. Files, not memory: a PyTorch folder or a big ONNX file may be hundreds of megabytes.
 * A process that ends leaves its folders behind; the next one removes those whose process is gone.
 */

export const DOWNLOADS_FOLDER = 'downloads'
/** How long an export waits for its download. */
export const DOWNLOAD_TTL_MS = 10 * 60_000

/** A download handed to the transport: stream `file`, then call `done`. */
export interface TakenDownload {
  file: string
  name: string
  bytes: number
  /** Removes the file (the download was sent, or failed: it is one-time either way). */
  done(): void
}

export interface Downloads {
  /** A new, empty folder to export into, and the download's id. */
  reserve(): { id: string; folder: string }
  /** Keeps `file` (inside the reserved folder) for one download named `name`; returns when it expires. */
  keep(id: string, file: string, name: string, bytes: number): Date
  /** Forgets a reserved download whose export failed, removing its folder. */
  discard(id: string): void
  /** The download, once: null when the id was never issued, 'gone' when fetched or expired. */
  take(id: string): TakenDownload | 'gone' | null
  /** Removes every download of this process (the server is stopping). */
  close(): void
}

const ID = /^(\d+)-[A-Za-z0-9_-]{22}$/

export function createDownloads(
  dataDir: string,
  options: { ttlMs?: number; now?: () => number } = {},
): Downloads {
  const root = path.join(dataDir, DOWNLOADS_FOLDER)
  const ttl = options.ttlMs ?? DOWNLOAD_TTL_MS
  const now = options.now ?? Date.now
  const waiting = new Map<string, { file: string; name: string; bytes: number; timer: NodeJS.Timeout }>()
  const reserved = new Set<string>()
  const gone = new Set<string>()
  const folderOf = (id: string) => path.join(root, id)
  const remove = (id: string) => rmSync(folderOf(id), { recursive: true, force: true })

  // Left by a process that ended before its downloads were fetched.
  let names: string[] = []
  try {
    names = readdirSync(root)
  } catch {
    // No downloads folder yet.
  }
  for (const name of names) {
    const pid = Number(ID.exec(name)?.[1])
    if (pid && pid !== process.pid && !processAlive(pid) && statSync(folderOf(name)).isDirectory())
      remove(name)
  }

  const forget = (id: string) => {
    const w = waiting.get(id)
    if (w) clearTimeout(w.timer)
    waiting.delete(id)
    reserved.delete(id)
    gone.add(id)
  }

  return {
    reserve() {
      const id = `${process.pid}-${randomBytes(16).toString('base64url')}`
      mkdirSync(folderOf(id), { recursive: true })
      reserved.add(id)
      return { id, folder: folderOf(id) }
    },
    keep(id, file, name, bytes) {
      if (!reserved.has(id)) throw new Error(`Download ${id} was not reserved.`)
      reserved.delete(id)
      const timer = setTimeout(() => {
        forget(id)
        remove(id)
      }, ttl)
      // An unfetched download must not keep the process alive.
      timer.unref()
      waiting.set(id, { file, name, bytes, timer })
      return new Date(now() + ttl)
    },
    discard(id) {
      forget(id)
      remove(id)
    },
    take(id) {
      const w = waiting.get(id)
      if (!w) return gone.has(id) ? 'gone' : null
      forget(id)
      return { file: w.file, name: w.name, bytes: w.bytes, done: () => remove(id) }
    },
    close() {
      for (const id of [...waiting.keys(), ...reserved]) {
        forget(id)
        remove(id)
      }
    },
  }
}
