import { z } from 'zod'
import type { GraphDocument } from '../graph/document'

/**
 * Projects as the contract sees them: request pieces (zod) and response types. The services store
 * them in SQLite (src/main/db, docs/persistence.md); the totals are inferred, never stored.
 */

export const PROJECT_NAME_MAX = 200

/** Projects are named by UUIDs; the bound only keeps garbage out. */
export const projectIdSchema = z.string().min(1).max(64)

export const projectNameSchema = z
  .string()
  .trim()
  .min(1, 'a project needs a name')
  .max(PROJECT_NAME_MAX, `a project name has at most ${PROJECT_NAME_MAX} characters`)

/** Where the editor was looking: restored when the project is opened again. */
export const viewStateSchema = z.strictObject({
  viewport: z.strictObject({ x: z.number(), y: z.number(), zoom: z.number().positive().max(1000) }),
  /** Selected node ids. */
  selection: z.array(z.string().min(1).max(500)).max(100_000),
})
export type ViewState = z.output<typeof viewStateSchema>

/** A row of the project list: totals are inferred from the latest version when asked. */
export interface ProjectSummary {
  id: string
  name: string
  createdAt: string
  updatedAt: string
  lastOpenedAt: string | null
  /** Top-level nodes of the latest version (a block counts as one). */
  nodes: number
  /** Trainable parameters of the latest version. */
  trainable: number
  /** Multiply-accumulates per sample of the latest version (docs/counting.md). */
  macs: number
}

/** What the editor loads: the project, its latest document and the view it was left in. */
export interface OpenedProject {
  project: ProjectSummary
  document: GraphDocument
  viewState: ViewState | null
  /** The version `document` is: pass it back as `baseVersionId` when saving. */
  versionId: number
}

export interface SaveResult {
  /** The latest version after the save: the new one, or the unchanged latest one. */
  versionId: number
  /** False when the document equalled the latest version, so no version was added. */
  saved: boolean
}

export interface VersionSummary {
  id: number
  createdAt: string
  nodes: number
  note: string | null
}

export const PROJECT_FILE_FORMAT = 'cnn-studio/project'
export const PROJECT_FILE_VERSION = 1
/** The file name ending `projects.export` files are saved with. */
export const PROJECT_FILE_EXTENSION = '.cnnproj.json'

/** A `.cnnproj.json` file: what `projects.export` returns and `projects.import` reads. */
export interface ProjectFile {
  format: typeof PROJECT_FILE_FORMAT
  version: typeof PROJECT_FILE_VERSION
  name: string
  exportedAt: string
  document: GraphDocument
  viewState: ViewState | null
}
