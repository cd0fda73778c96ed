import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs'
import path from 'node:path'
import type { ExportFormat } from '../../shared/api/export'
import { dataFolderEntry, DB_FILE, DATASETS_FOLDER, RUNS_FOLDER, SKIPPED_LISTS_FOLDER } from '../data-dir'
import { TORCH_FILES } from '../pytorch/project-folder'
import { TFJS_FILES } from './tfjs-layers'

/**
 * Where an export may write. Refused always: the data folder's own files (the database and its
 * `-wal`/`-shm`, datasets/, skipped-files/; data-dir.ts), and any file named like a CNN Studio
 * database (another data folder's). Refused unless the user confirmed overwriting: a target that
 * exists (for TF.js, a folder holding model.json or weights.bin; for PyTorch, one holding any of
 * its six files). Paths are compared as the OS resolves them when writing (`..`, symbolic links,
 * and case through file identity).
 */

export class ExportTargetError extends Error {
  constructor(
    /** `refused`: never writable; `exists`: writable once overwriting is confirmed. */
    readonly reason: 'refused' | 'exists',
    message: string,
  ) {
    super(message)
  }
}

export interface ExportTarget {
  /** The ONNX file or the TF.js or PyTorch folder, absolute. */
  out: string
  /** The files written, in the order writeFilesAtomically renames them (model.json, model.py last). */
  files: string[]
  /** Those that exist now and would be replaced. */
  replaces: string[]
}

/** `p` as the OS resolves it: absolute, without `.` and `..`, symbolic links followed where it exists. */
export function realPath(p: string): string {
  const abs = path.resolve(p)
  const rest: string[] = []
  for (let at = abs; ;) {
    try {
      return path.join(realpathSync.native(at), ...rest)
    } catch {
      // Not there (yet): resolve its folder.
    }
    const parent = path.dirname(at)
    if (parent === at) return abs
    rest.unshift(path.basename(at))
    at = parent
  }
}

const statOf = (p: string): Stats | null => {
  try {
    return statSync(p)
  } catch {
    return null
  }
}
const sameFile = (a: Stats | null, b: Stats | null) => !!a && !!b && a.dev === b.dev && a.ino === b.ino

const FIX = `Choose a file outside the data folder's own files (${DB_FILE}*, ${DATASETS_FOLDER}/, ${SKIPPED_LISTS_FOLDER}/, ${RUNS_FOLDER}/), for example in your Downloads folder.`

/** Why `file` belongs to the app (a sentence), or null when it does not. */
function ownedBy(file: string, dataDir: string): string | null {
  const real = realPath(file)
  const dbFile = path.join(dataDir, DB_FILE)
  // The file itself, under any name: a hard link or another case of the same file.
  if (sameFile(statOf(real), statOf(dbFile)))
    return `${file} is CNN Studio's project database${file === dbFile ? '' : ` (${dbFile})`}: exporting onto it would destroy every project and run.`
  // Anything named like a database (SQLite's companions included) is one, of this or another data folder.
  if (dataFolderEntry(path.basename(real)) === 'database')
    return `${file} is named like a CNN Studio project database (${DB_FILE}): exporting onto it would destroy the projects it holds.`
  const data = statOf(dataDir)
  if (!data) return null
  // The data folder recognised by identity, so that links and case cannot hide it.
  for (let child = real, parent = path.dirname(real); parent !== child;) {
    if (sameFile(statOf(parent), data)) {
      const entry = dataFolderEntry(path.basename(child))
      const where = path.join(dataDir, path.basename(child))
      return (
        entry && `${file} is ${child === real ? '' : 'inside '}${where}, where CNN Studio keeps its ${entry}.`
      )
    }
    child = parent
    parent = path.dirname(parent)
  }
  return null
}

/** The files a folder format writes, in the order they are renamed into place. */
const FOLDER_FILES = {
  tfjs: [TFJS_FILES.weights, TFJS_FILES.model],
  pytorch: TORCH_FILES,
} as const

/** `a`, `a and b`, `a, b and c`. */
const listed = (xs: string[]) =>
  xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`

const lstatOf = (p: string): Stats | null => {
  try {
    return lstatSync(p)
  } catch {
    return null
  }
}

/**
 * Checks an export's target before anything is built and again before anything is renamed into
 * place; throws ExportTargetError with what is wrong and what to do.
 */
export function checkExportTarget(
  request: { path: string; format: ExportFormat; overwrite: boolean },
  dataDir: string,
): ExportTarget {
  const out = path.resolve(request.path)
  const files = request.format === 'onnx' ? [out] : FOLDER_FILES[request.format].map((f) => path.join(out, f))
  for (const f of new Set([out, ...files])) {
    const owned = ownedBy(f, dataDir)
    if (owned) throw new ExportTargetError('refused', `Refusing to export there: ${owned} ${FIX}`)
  }
  const found = statOf(out)
  if (request.format === 'onnx' && found?.isDirectory())
    throw new ExportTargetError(
      'refused',
      `${out} is a folder. Give the file to write, e.g. ${path.join(out, 'model.onnx')}.`,
    )
  if (request.format !== 'onnx' && found && !found.isDirectory())
    throw new ExportTargetError(
      'refused',
      request.format === 'tfjs'
        ? `${out} is a file: the TF.js format writes a folder (model.json and weights.bin). Give a folder, e.g. ${out.replace(/\.[^./\\]*$/, '')}-tfjs.`
        : `${out} is a file: the PyTorch format writes a folder (model.py, weights.safetensors, train.py…). Give a folder, e.g. ${out.replace(/\.[^./\\]*$/, '')}-pytorch.`,
    )
  const replaces = files.filter((f) => lstatOf(f) !== null)
  if (replaces.length && !request.overwrite) {
    const one = replaces.length === 1
    const what = one ? replaces[0] : `In ${out}, ${listed(replaces.map((f) => path.basename(f)))}`
    throw new ExportTargetError(
      'exists',
      `${what} already exist${one ? 's' : ''}. Choose another name, or confirm replacing ${one ? 'it' : 'them'} (--force on the command line; the Export dialog asks).`,
    )
  }
  return { out, files, replaces }
}
