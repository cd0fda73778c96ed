import { parseProjectFile } from '../shared/api/project-file'
import type { ParseResult } from '../shared/graph/document'

/**
 * Reads a file the user picked: a graph document (`.json`, as templates and `cnn-studio inspect`
 * use) or an exported project (`.cnnproj.json`), with the same rules as `projects.import`. The
 * error says which file and what is wrong with it.
 */
export function readGraphFile(name: string, text: string): ParseResult {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    return { error: `${name}: The file is not valid JSON: ${(e as Error).message}` }
  }
  const r = parseProjectFile(raw)
  return r.error !== undefined ? { error: `${name}: ${r.error}` } : { doc: r.file.document }
}
