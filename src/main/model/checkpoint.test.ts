import { describe, expect, it } from 'vitest'
import {
  CheckpointError,
  decodeTensorBlob,
  decodeTensors,
  encodeTensors,
  type NamedArray,
} from './checkpoint'

const tensors: NamedArray[] = [
  {
    name: 'conv/kernel',
    dtype: 'float32',
    shape: [2, 2, 1, 3],
    data: Float32Array.from({ length: 12 }, (_, i) => i / 3),
  },
  { name: 'iter', dtype: 'int32', shape: [], data: Int32Array.of(42) },
  { name: 'bias', dtype: 'float32', shape: [3], data: Float32Array.of(-1, 0, 1e-30) },
]

describe('checkpoint blobs', () => {
  it('round-trip names, shapes, dtypes and every value exactly', () => {
    expect(decodeTensors(encodeTensors(tensors))).toEqual(tensors)
  })

  it("keep metadata with the tensors (a PyTorch optimizer's param_groups), none when none was given", () => {
    const metadata = { param_groups: '[{"lr": 0.001, "params": [0, 1]}]' }
    expect(decodeTensorBlob(encodeTensors(tensors, metadata))).toEqual({ tensors, metadata })
    expect(decodeTensorBlob(encodeTensors(tensors)).metadata).toEqual({})
  })

  it('refuse truncated, foreign and damaged blobs with a clear error', () => {
    const blob = encodeTensors(tensors)
    expect(() => decodeTensors(blob.subarray(0, blob.length - 1))).toThrow(
      /damaged \(tensor bias runs past the end\)/,
    )
    expect(() => decodeTensors(new Uint8Array(2))).toThrow(CheckpointError)
    const foreign = encodeTensors([])
    foreign[10] ^= 0xff
    expect(() => decodeTensors(foreign)).toThrow(/damaged/)
  })
})
