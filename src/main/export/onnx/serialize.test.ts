import { describe, expect, it } from 'vitest'
import { float } from '../../../shared/layers/onnx/types'
import { parseModel, serializeModel, type OnnxModel } from './serialize'

const model: OnnxModel = {
  irVersion: 8,
  opset: 17,
  producerName: 'cnn-studio',
  producerVersion: '9.9.9',
  graphName: 'tiny',
  docString: 'a test',
  nodes: [
    {
      opType: 'LeakyRelu',
      name: 'act',
      inputs: ['x'],
      outputs: ['y'],
      attributes: { alpha: float(0.25) },
    },
    {
      opType: 'Pad',
      name: 'pad',
      inputs: ['y', 'pads'],
      outputs: ['z'],
      attributes: { mode: 'constant' },
    },
    {
      opType: 'MaxPool',
      name: 'pool',
      inputs: ['z'],
      outputs: ['out'],
      attributes: { kernel_shape: [2, 2], ceil_mode: 0 },
    },
  ],
  initializers: [
    { name: 'pads', dataType: 'int64', dims: [8], data: [0, 0, 1, 1, 0, 0, 1, 1] },
    { name: 'w', dataType: 'float32', dims: [2, 2], data: Float32Array.of(1, -2, 3.5, 4) },
  ],
  inputs: [{ name: 'x', shape: ['N', 3, 4, 4] }],
  outputs: [{ name: 'out', shape: ['N', 3, 2, 2] }],
  metadata: { 'cnn_studio.classes': '["a","b"]' },
}

describe('serializeModel', () => {
  it('writes a ModelProto that reads back with every field, attribute type and tensor intact', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a decoded protobuf, checked field by field
    const m = parseModel(serializeModel(model)) as any
    expect(m).toMatchObject({
      ir_version: 8,
      producer_name: 'cnn-studio',
      producer_version: '9.9.9',
      opset_import: [{ version: 17 }],
      metadata_props: [{ key: 'cnn_studio.classes', value: '["a","b"]' }],
    })
    const [act, pad, pool] = m.graph.node
    // AttributeType FLOAT = 1, INT = 2, STRING = 3, INTS = 7.
    expect(act.attribute[0]).toMatchObject({ name: 'alpha', type: 1, f: 0.25 })
    expect(pad.attribute[0]).toMatchObject({ name: 'mode', type: 3 })
    expect(Buffer.from(pad.attribute[0].s).toString()).toBe('constant')
    expect(pool.attribute).toEqual([
      { name: 'kernel_shape', type: 7, ints: [2, 2] },
      { name: 'ceil_mode', type: 2, i: 0 },
    ])
    const [pads, w] = m.graph.initializer
    // DataType INT64 = 7, FLOAT = 1; raw little-endian bytes.
    expect(pads).toMatchObject({ name: 'pads', data_type: 7, dims: [8] })
    expect(Array.from(new BigInt64Array(new Uint8Array(pads.raw_data).buffer), Number)).toEqual([
      0, 0, 1, 1, 0, 0, 1, 1,
    ])
    expect(w).toMatchObject({ name: 'w', data_type: 1, dims: [2, 2] })
    expect(Array.from(new Float32Array(new Uint8Array(w.raw_data).buffer))).toEqual([1, -2, 3.5, 4])
    expect(m.graph.input[0].type.tensor_type.shape.dim).toEqual([
      { dim_param: 'N' },
      { dim_value: 3 },
      { dim_value: 4 },
      { dim_value: 4 },
    ])
  })

  it('refuses an initializer whose data does not fill its dims, and a non-integer INT attribute', () => {
    const bad = {
      ...model,
      initializers: [{ name: 'w', dataType: 'float32' as const, dims: [3], data: [1, 2] }],
    }
    expect(() => serializeModel(bad)).toThrow('Initializer w has dims [3] (3 values) but 2 values.')
    const fractional = { ...model, nodes: [{ ...model.nodes[2], attributes: { ceil_mode: 0.5 } }] }
    expect(() => serializeModel(fractional)).toThrow('ONNX integer attribute expected, got 0.5.')
  })

  it('frames big initializers (lengths of several varint bytes) and writes fields in number order', () => {
    const big = Float32Array.from({ length: 600_000 }, (_, i) => i - 0.5) // 2.4 MB: a 4-byte length
    const bytes = serializeModel({
      ...model,
      initializers: [
        ...model.initializers,
        { name: 'big', dataType: 'float32', dims: [600, 1000], data: big },
      ],
    })
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a decoded protobuf
    const m = parseModel(bytes) as any
    const read = m.graph.initializer.find((t: { name: string }) => t.name === 'big')
    expect(read.dims).toEqual([600, 1000])
    expect(new Float32Array(new Uint8Array(read.raw_data).buffer)).toEqual(big)
    // The top-level field numbers, read off the wire: canonical (ascending) order.
    const fields: number[] = []
    for (let at = 0; at < bytes.length;) {
      let key = 0
      let shift = 1
      for (;;) {
        const b = bytes[at++]
        key += (b & 0x7f) * shift
        shift *= 128
        if (b < 0x80) break
      }
      const wire = key % 8
      let value = 0
      shift = 1
      for (;;) {
        const b = bytes[at++]
        value += (b & 0x7f) * shift
        shift *= 128
        if (b < 0x80) break
      }
      if (wire === 2) at += value
      fields.push(Math.floor(key / 8))
    }
    expect(fields).toEqual([1, 2, 3, 6, 7, 8, 14])
  })
})
