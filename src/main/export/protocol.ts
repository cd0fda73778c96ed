import type { ExportReport } from '../../shared/api/export'
import type { ExportInput, ParsedExportRequest } from './export-model'

/** Messages between the export service (main thread) and the export worker thread. */

export interface ExportJob {
  input: ExportInput
  request: ParsedExportRequest
  dataDir: string
}

/**
 * Why an export failed, as the service answers it: `invalid` (the graph, run or path cannot be
 * exported: the user can fix it), `conflict` (the target exists and overwriting was not
 * confirmed), `verification` (the written model would disagree with TF.js: a defect of ours),
 * `unavailable` (no TF.js backend loads), `internal` (anything else).
 */
export type ExportFailure = 'invalid' | 'conflict' | 'verification' | 'unavailable' | 'internal'

export type FromExportWorker =
  { type: 'done'; report: ExportReport } | { type: 'failed'; failure: ExportFailure; message: string }
