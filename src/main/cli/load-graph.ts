import { existsSync, readFileSync } from 'node:fs'
import { parseDocumentJson, type GraphDocument } from '../../shared/graph/document'
import { getTemplate, TEMPLATES } from '../../shared/templates'
import { UsageError } from './io'

/**
 * Reads a graph named by a template name or a path to a graph file (a template name wins over a
 * file of the same name in the working directory). Throws UsageError with a message naming the
 * problem: an unknown template (listing the known ones), a missing or unreadable file, invalid
 * JSON, or a document that does not parse (the schema error by path).
 */
export function loadGraph(ref: string): GraphDocument {
  const template = getTemplate(ref)
  if (template) return template.document
  const looksLikeFile = ref.includes('/') || ref.includes('\\') || ref.endsWith('.json') || existsSync(ref)
  if (!looksLikeFile)
    throw new UsageError(
      `'${ref}' is neither a template nor a .json file. Templates: ${TEMPLATES.map((t) => t.name).join(', ')}.`,
    )
  let text: string
  try {
    text = readFileSync(ref, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new UsageError(
      code === 'ENOENT' ? `No such file: ${ref}` : `Cannot read ${ref}: ${(e as Error).message}`,
    )
  }
  const parsed = parseDocumentJson(text)
  if (parsed.error !== undefined) throw new UsageError(`${ref}: ${parsed.error}`)
  return parsed.doc
}
