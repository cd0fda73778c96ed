/**
 * The safetensors layout (huggingface/safetensors): an 8-byte little-endian header length N, N
 * bytes of JSON `{"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets":
 * [begin, end]}, …}` (padded with spaces to a multiple of 8), then the tensors' little-endian bytes,
 * offsets relative to the end of the header. What PyTorch users load with `safetensors.torch` and
 * the exported safetensors_io.py.
 */

/** Bytes per element of each dtype the layout names. */
export const DTYPE_SIZES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
} as const
export type SafetensorsDtype = keyof typeof DTYPE_SIZES

/** One tensor: its name, dtype, shape and raw little-endian bytes. */
export interface SafeTensor {
  name: string
  dtype: SafetensorsDtype
  shape: number[]
  data: Uint8Array
}

export interface SafetensorsFile {
  /** In the header's order. */
  tensors: SafeTensor[]
  metadata: Record<string, string>
}

export class SafetensorsError extends Error {}

/** The safetensors library refuses headers over 100 MB: so does this reader. */
const MAX_HEADER = 100_000_000

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1)

/** A float32 tensor (its bytes, copied). */
export function f32Tensor(name: string, shape: number[], data: Float32Array): SafeTensor {
  return {
    name,
    dtype: 'F32',
    shape,
    data: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
  }
}

/** A tensor's values as float32, or an error naming the tensor when it holds another dtype. */
export function asFloat32(t: SafeTensor): Float32Array {
  if (t.dtype !== 'F32')
    throw new SafetensorsError(
      `Tensor ${t.name} is ${t.dtype}, expected F32 (convert it with .float() before saving).`,
    )
  return new Float32Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength))
}

/** Encodes tensors (in the given order) and string metadata as a safetensors file. */
export function encodeSafetensors(
  tensors: readonly SafeTensor[],
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {}
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata
  let offset = 0
  const seen = new Set<string>()
  for (const t of tensors) {
    if (t.name === '__metadata__' || seen.has(t.name))
      throw new SafetensorsError(
        `Tensor name ${JSON.stringify(t.name)} is ${seen.has(t.name) ? 'used twice' : 'reserved'}.`,
      )
    seen.add(t.name)
    const expected = numel(t.shape) * DTYPE_SIZES[t.dtype]
    if (t.data.byteLength !== expected)
      throw new SafetensorsError(
        `Tensor ${t.name}: a ${t.dtype} tensor of shape [${t.shape.join(', ')}] has ${expected} bytes, got ${t.data.byteLength}.`,
      )
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + expected] }
    offset += expected
  }
  let json = JSON.stringify(header)
  // Padding to 8 bytes keeps every tensor's data aligned in memory-mapped readers.
  const length = new TextEncoder().encode(json).length
  json += ' '.repeat((8 - (length % 8)) % 8)
  const head = new TextEncoder().encode(json)
  const out = new Uint8Array(8 + head.length + offset)
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true)
  out.set(head, 8)
  let at = 8 + head.length
  for (const t of tensors) {
    out.set(t.data, at)
    at += t.data.byteLength
  }
  return out
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/**
 * Decodes a safetensors file, checking everything the layout promises: the header's length and
 * JSON, each entry's dtype, shape and offsets (matching its size, in order, without gaps or
 * overlaps, covering the data exactly) and the metadata's string values. `what` names the file
 * in errors. Tensors are copied out (their bytes aligned).
 */
export function decodeSafetensors(bytes: Uint8Array, what = 'safetensors file'): SafetensorsFile {
  const bad = (why: string) => new SafetensorsError(`The ${what} is not a valid safetensors file: ${why}.`)
  if (bytes.byteLength < 8)
    throw bad(`it has ${bytes.byteLength} bytes, fewer than the 8 of its header length`)
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true)
  if (length > BigInt(MAX_HEADER)) throw bad(`its header length ${length} is over ${MAX_HEADER} bytes`)
  const n = Number(length)
  if (8 + n > bytes.byteLength)
    throw bad(`its header (${n} bytes) runs past the end of the file (${bytes.byteLength} bytes)`)
  let header: unknown
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)))
  } catch (e) {
    throw bad(`its header is not UTF-8 JSON (${(e as Error).message})`)
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw bad('its header is not a JSON object')
  const dataStart = 8 + n
  const dataLength = bytes.byteLength - dataStart
  const metadata: Record<string, string> = {}
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = []
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw bad('__metadata__ is not an object')
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') throw bad(`metadata ${JSON.stringify(k)} is not a string`)
        metadata[k] = v
      }
      continue
    }
    const t = `tensor ${JSON.stringify(name)}`
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw bad(`${t} is not an object`)
    const { dtype, shape, data_offsets: offsets, ...rest } = value as Record<string, unknown>
    if (Object.keys(rest).length) throw bad(`${t} has unknown fields ${Object.keys(rest).join(', ')}`)
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_SIZES, dtype))
      throw bad(`${t} has dtype ${JSON.stringify(dtype)}, not one of ${Object.keys(DTYPE_SIZES).join(', ')}`)
    if (!Array.isArray(shape) || !shape.every(isCount))
      throw bad(`${t} has shape ${JSON.stringify(shape)}, not a list of sizes`)
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1])
      throw bad(`${t} has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`)
    const size = numel(shape) * DTYPE_SIZES[dtype as SafetensorsDtype]
    if (offsets[1] - offsets[0] !== size)
      throw bad(
        `${t} (${dtype}, shape [${shape.join(', ')}]) needs ${size} bytes, its offsets span ${offsets[1] - offsets[0]}`,
      )
    entries.push({ name, dtype: dtype as SafetensorsDtype, shape, begin: offsets[0], end: offsets[1] })
  }
  // Tensors tile the data exactly: sorted by offset, each starts where the previous ended.
  let at = 0
  for (const e of [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (e.begin !== at)
      throw bad(
        e.begin < at
          ? `tensor ${JSON.stringify(e.name)} overlaps the one before it (offset ${e.begin} < ${at})`
          : `there is a gap of ${e.begin - at} bytes before tensor ${JSON.stringify(e.name)}`,
      )
    at = e.end
  }
  if (at !== dataLength)
    throw bad(`the tensors hold ${at} bytes of data but the file has ${dataLength} after its header`)
  return {
    metadata,
    tensors: entries.map((e) => ({
      name: e.name,
      dtype: e.dtype,
      shape: e.shape,
      // A copy (a Node Buffer's slice would be a view into its pool).
      data: new Uint8Array(bytes.subarray(dataStart + e.begin, dataStart + e.end)),
    })),
  }
}
