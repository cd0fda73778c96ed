import { parseDocument, parseDocumentJson, type ParseResult } from '../shared/graph/document'

/**
 * Reads a file the user picked: a graph document (`.json`, as templates and `cnn-studio inspect`
 * use) or an exported project (`.cnnproj.json`, whose `document` is the graph). The error says
 * which file and what is wrong with it.
 */
export function readGraphFile(name: string, text: string): ParseResult {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    const r = parseDocumentJson(text)
    return { error: `${name}: ${r.error}` }
  }
  if (
    typeof raw === 'object' &&
    raw !== null &&
    (raw as { format?: unknown }).format === 'cnn-studio/project'
  )
    raw = (raw as { document?: unknown }).document
  const r = parseDocument(raw)
  return r.error !== undefined ? { error: `${name}: ${r.error}` } : r
}
