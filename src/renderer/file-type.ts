/**
 * What a file that is not a CNN Studio graph or project looks like, from its first bytes (and its
 * name for ONNX), so "Open file…" can say what it is and what to do instead of quoting JSON.parse
 * on binary bytes.
 */

export interface ForeignFile {
  /** What it is, as a noun phrase: `an ONNX model`, `a PNG image`. */
  what: string
  /** What to do instead: a sentence. */
  advice: string
}

const OPEN_INSTEAD = 'Open a graph (.json) or a project exported from CNN Studio (.cnnproj.json).'
/** Where ONNX import will point once it exists (docs/architecture: 4c). */
export const ONNX_ADVICE =
  'ONNX import is not available yet: export your network from CNN Studio, or build it from a template.'

const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0) =>
  magic.every((b, i) => bytes[at + i] === b)
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0))

/** A serialised onnx.ModelProto: ir_version (field 1, a small varint) first, then another field of the model. */
function looksLikeOnnx(bytes: Uint8Array): boolean {
  const modelFields = [0x12, 0x1a, 0x22, 0x2a, 0x32, 0x3a, 0x42, 0x52, 0x72]
  return bytes[0] === 0x08 && bytes[1] >= 3 && bytes[1] <= 12 && modelFields.includes(bytes[2])
}

const image = (format: string): ForeignFile => ({
  what: `a ${format} image`,
  advice: `Images are training data: put them in folders named after their classes and choose the folder as the dataset in the training panel. ${OPEN_INSTEAD}`,
})
const archive = (format: string): ForeignFile => ({
  what: `a ${format} archive`,
  advice: `Extract it, then open the .json or .cnnproj.json file inside. ${OPEN_INSTEAD}`,
})

/** What `bytes` (the file's start) are when they are a known non-JSON format; null otherwise. */
export function foreignFileType(name: string, bytes: Uint8Array): ForeignFile | null {
  if (/\.onnx$/i.test(name) || looksLikeOnnx(bytes)) return { what: 'an ONNX model', advice: ONNX_ADVICE }
  if (startsWith(bytes, [0x89, ...ascii('PNG\r\n\x1a\n')])) return image('PNG')
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return image('JPEG')
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return image('GIF')
  if (startsWith(bytes, ascii('PK\x03\x04')) || startsWith(bytes, ascii('PK\x05\x06'))) return archive('zip')
  if (startsWith(bytes, [0x1f, 0x8b])) return archive('gzip')
  if (startsWith(bytes, ascii('ustar'), 257)) return archive('tar')
  if (startsWith(bytes, ascii('%PDF-'))) return { what: 'a PDF document', advice: OPEN_INSTEAD }
  // Text never holds NUL bytes: anything else with them is some other binary format.
  if (bytes.subarray(0, 4096).includes(0)) return { what: 'a binary file', advice: OPEN_INSTEAD }
  return null
}
