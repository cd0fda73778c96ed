import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { torchPython } from '../../../test/pytorch-test-kit'
import { pythonFile } from './python-files'
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors'

/**
 * safetensors_io.py (torch alone) against safetensors.ts: each dtype both ways, metadata, and the
 * errors of a damaged file, in one python process.
 */
const python = torchPython()
const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-safetensors-io-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
const TENSORS: SafeTensor[] = [
  { name: 'f32', dtype: 'F32', shape: [2, 3], data: bytes(Float32Array.of(1, -2.5, 3, 1e-8, -0, 6)) },
  { name: 'f64', dtype: 'F64', shape: [2], data: bytes(Float64Array.of(Math.PI, -1e300)) },
  { name: 'i64', dtype: 'I64', shape: [], data: bytes(BigInt64Array.of(-(2n ** 40n))) },
  { name: 'u8', dtype: 'U8', shape: [3], data: Uint8Array.of(0, 7, 255) },
  // After 3 bytes: an offset no 4-byte type sits on, which the reader must copy.
  { name: 'i32', dtype: 'I32', shape: [2], data: bytes(Int32Array.of(-5, 2 ** 31 - 1)) },
  { name: 'bool', dtype: 'BOOL', shape: [2, 1], data: Uint8Array.of(1, 0) },
  { name: 'empty', dtype: 'F32', shape: [0, 4], data: new Uint8Array(0) },
]

const SCRIPT = `
import json, sys, torch
sys.path.insert(0, sys.argv[1])
from safetensors_io import load_file, save_file
d = sys.argv[2]
out = {}
t = load_file(d + "/ours.safetensors")
out["loaded"] = {k: [str(v.dtype), list(v.shape), v.flatten().tolist()] for k, v in t.items()}
save_file(t, d + "/theirs.safetensors", metadata={"format": "pt", "note": "é"})
made = {"x": torch.arange(6, dtype=torch.float32).reshape(2, 3).t(), "y": torch.tensor([True, False])}
save_file(made, d + "/made.safetensors")
errors = {}
for name in sys.argv[3:]:
    try:
        load_file(d + "/" + name)
        errors[name] = None
    except ValueError as e:
        errors[name] = str(e)
out["errors"] = errors
print(json.dumps(out))
`

function file(header: unknown, data = new Uint8Array(0)): Uint8Array {
  const head = new TextEncoder().encode(JSON.stringify(header))
  const out = new Uint8Array(8 + head.length + data.length)
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true)
  out.set(head, 8)
  out.set(data, 8 + head.length)
  return out
}

const DAMAGED: Record<string, Uint8Array> = {
  'short.safetensors': Uint8Array.of(1, 0),
  'dtype.safetensors': file({ t: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }, Uint8Array.of(0)),
  'size.safetensors': file({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)),
  'gap.safetensors': file({ t: { dtype: 'U8', shape: [1], data_offsets: [1, 2] } }, new Uint8Array(2)),
  'tail.safetensors': file({ t: { dtype: 'U8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(3)),
  'meta.safetensors': file({ __metadata__: { epoch: 3 } }),
}

describe.skipIf(!python)('safetensors_io.py', () => {
  const ours = encodeSafetensors(TENSORS, { format: 'pt', note: 'é' })
  writeFileSync(join(dir, 'ours.safetensors'), ours)
  for (const [name, data] of Object.entries(DAMAGED)) writeFileSync(join(dir, name), data)
  const run = () => {
    const r = spawnSync(
      python!,
      ['-c', SCRIPT, dirname(pythonFile('safetensors_io.py')), dir, ...Object.keys(DAMAGED)],
      { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
    )
    if (r.status !== 0) throw new Error(r.stderr)
    return JSON.parse(r.stdout) as {
      loaded: Record<string, [string, number[], unknown[]]>
      errors: Record<string, string | null>
    }
  }
  const result = python ? run() : null

  it('reads every dtype as written, at any offset', () => {
    expect(result!.loaded).toEqual({
      f32: ['torch.float32', [2, 3], [1, -2.5, 3, Math.fround(1e-8), -0, 6]],
      f64: ['torch.float64', [2], [Math.PI, -1e300]],
      i64: ['torch.int64', [], [-(2 ** 40)]],
      u8: ['torch.uint8', [3], [0, 7, 255]],
      i32: ['torch.int32', [2], [-5, 2 ** 31 - 1]],
      bool: ['torch.bool', [2, 1], [true, false]],
      empty: ['torch.float32', [0, 4], []],
    })
  })

  it('writes back the very bytes it read, metadata included', () => {
    expect(Buffer.from(readFileSync(join(dir, 'theirs.safetensors'))).equals(Buffer.from(ours))).toBe(true)
  })

  it('writes what safetensors.ts reads (a transposed tensor in its logical order)', () => {
    const made = decodeSafetensors(readFileSync(join(dir, 'made.safetensors')))
    expect(made.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['x', 'F32', [3, 2]],
      ['y', 'BOOL', [2]],
    ])
    expect([...new Float32Array(made.tensors[0].data.slice().buffer)]).toEqual([0, 3, 1, 4, 2, 5])
  })

  it('refuses a damaged file, saying why', () => {
    const why = (name: string) => result!.errors[name]?.replace(/^.* is not a valid safetensors file: /, '')
    expect(why('short.safetensors')).toBe('it has 2 bytes, fewer than the 8 of its header length.')
    expect(why('dtype.safetensors')).toMatch(/^tensor 't' has dtype 'F8', not one of F64, F32/)
    expect(why('size.safetensors')).toBe("tensor 't' needs 8 bytes, its offsets span 4.")
    expect(why('gap.safetensors')).toBe("tensor 't' starts at 1, after the previous one ends at 0.")
    expect(why('tail.safetensors')).toBe('the tensors hold 1 bytes, the file 3 after its header.')
    expect(why('meta.safetensors')).toBe('__metadata__ is not a map of strings.')
  })
})
