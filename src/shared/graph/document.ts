import { z } from 'zod'
import { MAX_DOCUMENT_DEPTH, pathDeeperThan, pathText, shortPath } from './json-depth'

/**
 * The graph document: what the editor edits, SQLite stores and templates ship. It holds only what
 * the user chose (kinds, parameters, connections, positions); shapes, counts and errors are derived
 * by `inferGraph` and never stored. Block nodes store their block parameters; their expansion into
 * layers is derived from those parameters and the input shape (src/shared/blocks).
 */
export const GRAPH_FORMAT = 'cnn-studio/graph'
export const GRAPH_VERSION = 1

export const nodeSchema = z.strictObject({
  id: z.string().min(1),
  /** A layer kind (src/shared/layers/registry.ts) or a block kind (src/shared/blocks/registry.ts). */
  kind: z.string().min(1),
  /** Display name; the id is shown where it is absent. */
  name: z.string().optional(),
  /** Validated per kind by the analysis, so a document with a bad parameter still opens. */
  params: z.record(z.string(), z.unknown()).default({}),
  position: z.strictObject({ x: z.number(), y: z.number() }).optional(),
  /** Block nodes only: shown expanded to their layers in the editor. */
  expanded: z.boolean().optional(),
})

export const edgeSchema = z.strictObject({
  source: z.string().min(1),
  target: z.string().min(1),
  /** Which input of the target: Add and Concat have ordered inputs 0, 1, … */
  targetPort: z.int().min(0).default(0),
})

export const documentSchema = z
  .strictObject({
    format: z.literal(GRAPH_FORMAT),
    version: z.literal(GRAPH_VERSION),
    name: z.string().default('Untitled'),
    description: z.string().optional(),
    nodes: z.array(nodeSchema),
    edges: z.array(edgeSchema),
  })
  // Parameters are free-form JSON: without a limit, deep nesting fails in SQLite (json_valid) or
  // overflows the stack (JSON.stringify) instead of being refused here (json-depth.ts).
  .superRefine((doc, ctx) => {
    const path = pathDeeperThan(doc, MAX_DOCUMENT_DEPTH)
    if (path)
      ctx.addIssue({
        code: 'custom',
        path: shortPath(path),
        message: `nested more than ${MAX_DOCUMENT_DEPTH} levels deep (objects or arrays inside each other). Parameter values are numbers, strings, booleans or short lists: remove the nesting.`,
      })
  })

export type GraphNode = z.output<typeof nodeSchema>
export type GraphEdge = z.output<typeof edgeSchema>
export type GraphDocument = z.output<typeof documentSchema>

/** Migrations from version N to N + 1, applied in order; none yet, version 1 is the first. */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {}

export type ParseResult = { doc: GraphDocument; error?: undefined } | { error: string; doc?: undefined }

/** Formats zod issues as `nodes[3].id: expected string (got 42)` lines. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => {
      const path = pathText(i.path)
      return path ? `${path}: ${i.message}` : i.message
    })
    .join('; ')
}

/** Reads a document of any known version, migrating it to the current one. Never throws. */
export function parseDocument(raw: unknown): ParseResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { error: 'A graph document must be a JSON object with "format", "version", "nodes" and "edges".' }
  let doc = raw as Record<string, unknown>
  if (doc.format !== GRAPH_FORMAT)
    return {
      error: `Not a CNN Studio graph: "format" is ${JSON.stringify(doc.format)}, expected "${GRAPH_FORMAT}".`,
    }
  let version = doc.version
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return { error: `"version" must be a positive integer, got ${JSON.stringify(version)}.` }
  if (version > GRAPH_VERSION)
    return {
      error: `This graph was saved by a newer CNN Studio (format version ${version}; this one reads up to ${GRAPH_VERSION}). Update CNN Studio to open it.`,
    }
  while (version < GRAPH_VERSION) {
    doc = MIGRATIONS[version](doc)
    version += 1
  }
  const parsed = documentSchema.safeParse(doc)
  if (!parsed.success) return { error: `Invalid graph document: ${formatIssues(parsed.error)}` }
  return { doc: parsed.data }
}

/** Parses JSON text into a document, with the JSON syntax error in the message when it is not. */
export function parseDocumentJson(text: string): ParseResult {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    return { error: `The file is not valid JSON: ${(e as Error).message}` }
  }
  return parseDocument(raw)
}

export function emptyDocument(name = 'Untitled'): GraphDocument {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name, nodes: [], edges: [] }
}
