/**
 * Checkpoints: what a run stores after each epoch and resumes from, and the encoding of weights and
 * optimizer state as one self-describing blob for the `checkpoints` table: a 4-byte
 * little-endian header length, a JSON header listing each tensor's name, dtype and shape, then the
 * tensors' bytes in order. Small, dependency-free, and checked thoroughly on read.
 */

export interface NamedArray {
  name: string
  dtype: 'float32' | 'int32'
  shape: number[]
  data: Float32Array | Int32Array
}

/** What a run stores after each epoch (the `checkpoints` table): weights and optimizer state as blobs. */
export interface Checkpoint {
  /** Epochs finished, 1-based: the run resumes at this epoch index. */
  epoch: number
  weights: Uint8Array
  optimizer: Uint8Array
  isBest: boolean
}

/**
 * A run's progress as stored with each checkpoint: the best epoch so far (by validation loss, or
 * training loss without validation), its score, and early stopping's count.
 */
export interface RunProgress {
  bestValLoss: number | null
  bestEpoch: number | null
  /** The best epoch's validation accuracy (training accuracy without validation). */
  bestValScore: number | null
  /** Epochs since the best: early stopping ends the run when this reaches the patience. */
  epochsWithoutImprovement: number
}

/** Where a resumed run picks up: its last checkpoint and its progress then. */
export interface ResumeState extends RunProgress {
  checkpoint: Checkpoint
}

const MAGIC = 'cnn-studio/tensors@1'

export class CheckpointError extends Error {}

/**
 * `metadata`: strings kept with the tensors (a PyTorch optimizer's `param_groups` as JSON), read
 * back by {@link decodeTensorBlob}.
 */
export function encodeTensors(tensors: NamedArray[], metadata?: Record<string, string>): Uint8Array {
  const header = JSON.stringify({
    magic: MAGIC,
    tensors: tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
    ...(metadata ? { metadata } : {}),
  })
  const head = new TextEncoder().encode(header)
  const body = tensors.reduce((n, t) => n + t.data.byteLength, 0)
  const out = new Uint8Array(4 + head.length + body)
  new DataView(out.buffer).setUint32(0, head.length, true)
  out.set(head, 4)
  let offset = 4 + head.length
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), offset)
    offset += t.data.byteLength
  }
  return out
}

export function decodeTensors(bytes: Uint8Array, what = 'checkpoint'): NamedArray[] {
  return decodeTensorBlob(bytes, what).tensors
}

/** The tensors of a blob with the metadata stored with them (empty when none was). */
export function decodeTensorBlob(
  bytes: Uint8Array,
  what = 'checkpoint',
): { tensors: NamedArray[]; metadata: Record<string, string> } {
  const bad = (why: string) =>
    new CheckpointError(`The ${what} is damaged (${why}); resume from an earlier epoch or start a new run.`)
  if (bytes.length < 4) throw bad('shorter than its header')
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true)
  if (4 + headLength > bytes.length) throw bad('the header runs past the end')
  let header: {
    magic?: string
    tensors?: { name: string; dtype: string; shape: number[] }[]
    metadata?: Record<string, string>
  }
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headLength)))
  } catch {
    throw bad('the header is not JSON')
  }
  if (header.magic !== MAGIC || !Array.isArray(header.tensors)) throw bad('not a CNN Studio tensor blob')
  let offset = 4 + headLength
  const tensors = header.tensors.map(({ name, dtype, shape }): NamedArray => {
    if (dtype !== 'float32' && dtype !== 'int32') throw bad(`tensor ${name} has dtype ${dtype}`)
    const count = shape.reduce((a, b) => a * b, 1)
    const byteLength = count * 4
    if (offset + byteLength > bytes.length) throw bad(`tensor ${name} runs past the end`)
    // Copy: the blob's buffer may be shared or unaligned.
    const raw = bytes.slice(offset, offset + byteLength).buffer
    offset += byteLength
    return { name, dtype, shape, data: dtype === 'float32' ? new Float32Array(raw) : new Int32Array(raw) }
  })
  return { tensors, metadata: header.metadata ?? {} }
}
