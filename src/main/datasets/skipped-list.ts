import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { SKIPPED_LISTS_FOLDER } from '../data-dir'
import type { LoadedDataset } from './types'

/**
 * The files an image folder skipped (corrupt, empty, not images), kept as a list in the data
 * folder: `skipped-files/<folder name>-<hash>.tsv`, one line per file, `path<TAB>reason`, after two
 * `#` lines saying what it is. A big folder can skip thousands of files, more than a terminal shows,
 * and the list stays for the user (or a script) to fix or delete them; `cnn-studio train` prints
 * the count, the first few and this path. Rewritten at every load of the folder, removed when
 * nothing is skipped.
 */

export type Skipped = LoadedDataset['skipped']

/** Where the list of `folder` (as loaded: absolute) is kept. */
export function skippedListPath(dataDir: string, folder: string): string {
  const root = path.resolve(folder)
  const hash = createHash('sha256').update(root).digest('hex').slice(0, 8)
  const name = path.basename(root).replace(/[^\w.-]+/g, '-') || 'folder'
  return path.join(dataDir, SKIPPED_LISTS_FOLDER, `${name}-${hash}.tsv`)
}

// Tabs and line breaks in a path or reason would break the line format: escaped as `\t`, `\n`.
const escape = (s: string) =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\r?\n|\r/g, '\\n')
const unescape = (s: string) =>
  s.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c))

/**
 * Writes (or removes) the list for `folder`; returns its path, or null when nothing was skipped or
 * the list could not be written: it is a report, and never stops a load.
 */
export function recordSkipped(dataDir: string, folder: string, skipped: Skipped): string | null {
  const file = skippedListPath(dataDir, folder)
  try {
    if (skipped.length === 0) {
      rmSync(file, { force: true })
      return null
    }
    mkdirSync(path.dirname(file), { recursive: true })
    const text = [
      `# ${skipped.length} file${skipped.length === 1 ? '' : 's'} of ${path.resolve(folder)} could not be read and ${skipped.length === 1 ? 'was' : 'were'} skipped (${new Date().toISOString()}).`,
      '# path<TAB>reason; fix or remove them, and train again to use the others.',
      ...skipped.map((s) => `${escape(s.file)}\t${escape(s.reason)}`),
      '',
    ].join('\n')
    // Renamed into place: a reader never sees half a list.
    const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
    writeFileSync(temp, text)
    renameSync(temp, file)
    return file
  } catch {
    return null
  }
}

/** The list for `folder` as last written: its path, count and first `first` entries; null if none. */
export function readSkipped(
  dataDir: string,
  folder: string,
  first = 3,
): { list: string; count: number; first: Skipped } | null {
  const list = skippedListPath(dataDir, folder)
  let text: string
  try {
    text = readFileSync(list, 'utf8')
  } catch {
    return null
  }
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'))
  return {
    list,
    count: lines.length,
    first: lines.slice(0, first).map((l) => {
      const [file, reason = ''] = l.split('\t')
      return { file: unescape(file), reason: unescape(reason) }
    }),
  }
}
