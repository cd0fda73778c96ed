import { parseDocument, type GraphDocument } from './document'
import { inferGraph, type GraphAnalysis } from './infer'

export interface ValidationIssue {
  /** The node at fault; absent for a problem with the document as a whole. */
  nodeId?: string
  message: string
}

export type ValidationResult =
  | { ok: true; doc: GraphDocument; analysis: GraphAnalysis; issues: [] }
  | { ok: false; doc?: GraphDocument; analysis?: GraphAnalysis; issues: ValidationIssue[] }

/**
 * Reads untrusted input (a file, a request) as a graph and checks it completely: the document
 * schema, then every node's kind, parameters, connections and shapes. Never throws.
 */
export function validateGraph(raw: unknown): ValidationResult {
  const parsed = parseDocument(raw)
  if (parsed.error !== undefined) return { ok: false, issues: [{ message: parsed.error }] }
  const analysis = inferGraph(parsed.doc)
  const issues: ValidationIssue[] = [
    ...analysis.documentErrors.map((message) => ({ message })),
    ...analysis.errors.map((e) => ({ nodeId: e.nodeId, message: e.message })),
  ]
  return issues.length
    ? { ok: false, doc: parsed.doc, analysis, issues }
    : { ok: true, doc: parsed.doc, analysis, issues: [] }
}
