import { z } from 'zod'
import { formatIssues, GRAPH_FORMAT, parseDocument } from '../graph/document'
import {
  PROJECT_FILE_FORMAT,
  PROJECT_FILE_VERSION,
  projectNameSchema,
  viewStateSchema,
  type ProjectFile,
} from './projects'

/** The envelope of a `.cnnproj.json` file; the document inside is read by `parseDocument`. */
const projectFileSchema = z.strictObject({
  format: z.literal(PROJECT_FILE_FORMAT),
  version: z.literal(PROJECT_FILE_VERSION),
  name: projectNameSchema,
  exportedAt: z.string().max(100).optional(),
  document: z.unknown(),
  viewState: viewStateSchema.nullable().optional(),
})

export type ProjectFileResult = { file: ProjectFile; error?: undefined } | { error: string; file?: undefined }

/**
 * Reads an imported file: a `.cnnproj.json` project file, or a bare graph document (the format
 * `cnn-studio inspect` reads), which becomes a project named after the document. Never throws; the
 * error names what is wrong.
 */
export function parseProjectFile(raw: unknown): ProjectFileResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { error: 'A project file must be a JSON object with "format", "version", "name" and "document".' }
  const obj = raw as Record<string, unknown>
  if (obj.format === GRAPH_FORMAT) {
    const graph = parseDocument(raw)
    if (graph.error !== undefined) return { error: graph.error }
    const name = projectNameSchema.safeParse(graph.doc.name)
    return {
      file: {
        format: PROJECT_FILE_FORMAT,
        version: PROJECT_FILE_VERSION,
        name: name.success ? name.data : 'Untitled',
        exportedAt: '',
        document: graph.doc,
        viewState: null,
      },
    }
  }
  if (obj.format !== PROJECT_FILE_FORMAT)
    return {
      error: `Not a CNN Studio project: "format" is ${JSON.stringify(obj.format)}, expected "${PROJECT_FILE_FORMAT}" (or a "${GRAPH_FORMAT}" document).`,
    }
  if (typeof obj.version === 'number' && Number.isInteger(obj.version) && obj.version > PROJECT_FILE_VERSION)
    return {
      error: `This project was exported by a newer CNN Studio (project file version ${obj.version}; this one reads up to ${PROJECT_FILE_VERSION}). Update CNN Studio to import it.`,
    }
  const parsed = projectFileSchema.safeParse(raw)
  if (!parsed.success) return { error: `Invalid project file: ${formatIssues(parsed.error)}` }
  const graph = parseDocument(parsed.data.document)
  if (graph.error !== undefined) return { error: `Invalid project file: "document": ${graph.error}` }
  return {
    file: {
      format: PROJECT_FILE_FORMAT,
      version: PROJECT_FILE_VERSION,
      name: parsed.data.name,
      exportedAt: parsed.data.exportedAt ?? '',
      document: graph.doc,
      viewState: parsed.data.viewState ?? null,
    },
  }
}
