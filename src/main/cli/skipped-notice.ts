import type { DatasetRef } from '../../shared/api/training'
import { datasetRefOf } from '../../shared/training/dataset-id'
import { readSkipped } from '../datasets/skipped-list'

/** What `cnn-studio train --json` reports about an image folder's unreadable files. */
export interface SkippedReport {
  count: number
  /** The full list (datasets/skipped-list.ts), or null when nothing was skipped. */
  list: string | null
  first: { file: string; reason: string }[]
}

/** The image folder a run trains on, from the --dataset given or the run's dataset id (--resume). */
export function folderOf(ref: DatasetRef | string | null | undefined): string | null {
  const r = typeof ref === 'string' ? datasetRefOf(ref) : ref
  return r && 'folder' in r ? r.folder : null
}

/** The folder's skipped files as its last load (the run's own, once it reports progress) listed them. */
export function skippedReport(dataDir: string, folder: string): SkippedReport {
  return readSkipped(dataDir, folder) ?? { count: 0, list: null, first: [] }
}

/** The warning `cnn-studio train` prints: the count, the first few files and where the list is. */
export function skippedLines(r: SkippedReport, folder: string): string[] {
  if (r.count === 0) return []
  return [
    `warning: ${r.count} file${r.count === 1 ? '' : 's'} in ${folder} could not be read and ${r.count === 1 ? 'was' : 'were'} skipped (corrupt, empty or not PNG/JPEG images):`,
    ...r.first.map((s) => `  ${s.file}: ${s.reason}`),
    `  full list: ${r.list}`,
  ]
}
