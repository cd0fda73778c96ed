import { describe, expect, it } from 'vitest'
import { asFloat32, decodeSafetensors, encodeSafetensors, f32Tensor, type SafeTensor } from './safetensors'

const i64 = (name: string, values: number[]): SafeTensor => ({
  name,
  dtype: 'I64',
  shape: [values.length],
  data: new Uint8Array(BigInt64Array.from(values, BigInt).buffer),
})

/** A file from a header object and data bytes, as another writer might make it. */
function file(header: unknown, data = new Uint8Array(0), headerText = JSON.stringify(header)): Uint8Array {
  const head = new TextEncoder().encode(headerText)
  const out = new Uint8Array(8 + head.length + data.length)
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true)
  out.set(head, 8)
  out.set(data, 8 + head.length)
  return out
}

describe('safetensors', () => {
  const tensors = [
    f32Tensor('conv.weight', [2, 1, 1, 2], Float32Array.of(1, -2, 3.5, 4)),
    i64('bn.num_batches_tracked', [0]),
    { name: 'flags', dtype: 'BOOL', shape: [3], data: Uint8Array.of(1, 0, 1) } as SafeTensor,
    f32Tensor('scalar', [], Float32Array.of(7)),
  ]

  it('writes the layout: u64 header length, JSON padded to 8 bytes, data in order', () => {
    const bytes = encodeSafetensors(tensors, { format: 'pt' })
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true))
    expect(n % 8).toBe(0)
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)))
    expect(header).toEqual({
      __metadata__: { format: 'pt' },
      'conv.weight': { dtype: 'F32', shape: [2, 1, 1, 2], data_offsets: [0, 16] },
      'bn.num_batches_tracked': { dtype: 'I64', shape: [1], data_offsets: [16, 24] },
      flags: { dtype: 'BOOL', shape: [3], data_offsets: [24, 27] },
      scalar: { dtype: 'F32', shape: [], data_offsets: [27, 31] },
    })
    expect(bytes.length).toBe(8 + n + 31)
  })

  it('reads back what it writes', () => {
    const back = decodeSafetensors(encodeSafetensors(tensors, { format: 'pt', note: 'é' }))
    expect(back.metadata).toEqual({ format: 'pt', note: 'é' })
    expect(back.tensors).toEqual(tensors)
    expect([...asFloat32(back.tensors[0])]).toEqual([1, -2, 3.5, 4])
  })

  it('copies each tensor out of the file, even from a Node Buffer (whose slices are views)', () => {
    const back = decodeSafetensors(Buffer.from(encodeSafetensors(tensors)))
    for (const t of back.tensors) expect(t.data.buffer.byteLength).toBe(t.data.byteLength)
  })

  it('reads tensors stored in any order, without metadata', () => {
    const data = Uint8Array.of(
      ...new Uint8Array(Float32Array.of(5).buffer),
      ...new Uint8Array(Float32Array.of(6).buffer),
    )
    const f = file(
      {
        b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      },
      data,
    )
    const back = decodeSafetensors(f)
    expect(back.tensors.map((t) => [t.name, asFloat32(t)[0]])).toEqual([
      ['b', 6],
      ['a', 5],
    ])
    expect(back.metadata).toEqual({})
  })

  it.each([
    ['too short', Uint8Array.of(1, 2), 'it has 2 bytes, fewer than the 8 of its header length'],
    [
      'a header past the end',
      file({}).subarray(0, 9),
      'its header (2 bytes) runs past the end of the file (9 bytes)',
    ],
    ['a header that is not JSON', file(null, undefined, '{oops'), 'its header is not UTF-8 JSON'],
    ['a header that is a list', file([]), 'its header is not a JSON object'],
    [
      'metadata that is not strings',
      file({ __metadata__: { epoch: 3 } }),
      'metadata "epoch" is not a string',
    ],
    [
      'an unknown dtype',
      file({ t: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }, Uint8Array.of(0)),
      'tensor "t" has dtype "F8"',
    ],
    [
      'a bad shape',
      file({ t: { dtype: 'U8', shape: [-1], data_offsets: [0, 0] } }),
      'tensor "t" has shape [-1]',
    ],
    [
      'reversed offsets',
      file({ t: { dtype: 'U8', shape: [0], data_offsets: [1, 0] } }),
      'tensor "t" has data_offsets [1,0]',
    ],
    [
      'offsets of the wrong size',
      file({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)),
      'tensor "t" (F32, shape [2]) needs 8 bytes, its offsets span 4',
    ],
    [
      'unknown fields',
      file({ t: { dtype: 'U8', shape: [0], data_offsets: [0, 0], x: 1 } }),
      'tensor "t" has unknown fields x',
    ],
    [
      'overlapping tensors',
      file(
        {
          a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] },
          b: { dtype: 'U8', shape: [2], data_offsets: [1, 3] },
        },
        new Uint8Array(3),
      ),
      'tensor "b" overlaps the one before it',
    ],
    [
      'a gap',
      file({ a: { dtype: 'U8', shape: [1], data_offsets: [1, 2] } }, new Uint8Array(2)),
      'there is a gap of 1 bytes before tensor "a"',
    ],
    [
      'bytes left over',
      file({ a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(3)),
      'the tensors hold 1 bytes of data but the file has 3 after its header',
    ],
  ])('refuses %s, saying why', (_what, bytes, message) => {
    expect(() => decodeSafetensors(bytes, 'weights.safetensors')).toThrow(
      `The weights.safetensors is not a valid safetensors file: ${message}`,
    )
  })

  it('refuses to write what it could not read back', () => {
    expect(() =>
      encodeSafetensors([f32Tensor('a', [1], Float32Array.of(1)), f32Tensor('a', [1], Float32Array.of(2))]),
    ).toThrow('Tensor name "a" is used twice.')
    expect(() =>
      encodeSafetensors([{ name: 'a', dtype: 'F32', shape: [2], data: new Uint8Array(4) }]),
    ).toThrow('Tensor a: a F32 tensor of shape [2] has 8 bytes, got 4.')
  })

  it('says which tensor is not float32', () => {
    expect(() => asFloat32(i64('steps', [1]))).toThrow('Tensor steps is I64, expected F32')
  })
})
