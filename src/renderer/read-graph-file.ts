import { parseProjectFile } from '../shared/api/project-file'
import type { ParseResult } from '../shared/graph/document'
import { foreignFileType } from './file-type'

/**
 * Reads a file the user picked: a graph document (`.json`, as templates and `cnn-studio inspect`
 * use) or an exported project (`.cnnproj.json`), with the same rules as `projects.import`. The
 * error says which file and what is wrong with it; a file of another kind (ONNX, an image, an
 * archive) is named as such, with what to do instead.
 */
export function readGraphFile(name: string, bytes: Uint8Array): ParseResult {
  const foreign = foreignFileType(name, bytes)
  if (foreign)
    return { error: `${name}: This is ${foreign.what}, not a CNN Studio graph or project. ${foreign.advice}` }
  let raw: unknown
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes))
  } catch (e) {
    return { error: `${name}: The file is not valid JSON: ${(e as Error).message}` }
  }
  const r = parseProjectFile(raw)
  return r.error !== undefined ? { error: `${name}: ${r.error}` } : { doc: r.file.document }
}
