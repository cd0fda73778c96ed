import protobuf from 'protobufjs'
import type { OnnxAttribute, OnnxNode, OnnxTensor } from '../../../shared/layers/onnx/types'
import { ONNX_PROTO } from './onnx-schema'

/** A graph input or output: float32 with named (symbolic) or fixed dimensions. */
export interface OnnxValueInfo {
  name: string
  /** A string is a symbolic dimension (the batch: 'N'). */
  shape: (number | string)[]
  docString?: string
}

/** A whole model as plain data; `serializeModel` turns it into ModelProto bytes. */
export interface OnnxModel {
  irVersion: number
  opset: number
  producerName: string
  producerVersion: string
  graphName: string
  docString: string
  nodes: OnnxNode[]
  initializers: OnnxTensor[]
  inputs: OnnxValueInfo[]
  outputs: OnnxValueInfo[]
  /** ModelProto.metadata_props. */
  metadata: Record<string, string>
}

let root: protobuf.Root | null = null
const schema = () => (root ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root)

// TensorProto.DataType and AttributeProto.AttributeType values of onnx.proto.
const DATA_TYPE = { float32: 1, int64: 7 } as const
const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const

function attribute(name: string, value: OnnxAttribute) {
  if (typeof value === 'string')
    return { name, type: ATTRIBUTE_TYPE.STRING, s: new TextEncoder().encode(value) }
  if (Array.isArray(value)) return { name, type: ATTRIBUTE_TYPE.INTS, ints: value.map(int) }
  if (typeof value === 'number') return { name, type: ATTRIBUTE_TYPE.INT, i: int(value) }
  return { name, type: ATTRIBUTE_TYPE.FLOAT, f: value.float }
}

function int(n: number): number {
  if (!Number.isSafeInteger(n)) throw new Error(`ONNX integer attribute expected, got ${n}.`)
  return n
}

/** Tensor data as little-endian raw bytes (what every ONNX reader accepts, and compact). */
function rawData(t: OnnxTensor): Uint8Array {
  const count = t.dims.reduce((a, b) => a * b, 1)
  if (t.data.length !== count)
    throw new Error(
      `Initializer ${t.name} has dims [${t.dims.join(', ')}] (${count} values) but ${t.data.length} values.`,
    )
  const typed =
    t.data instanceof Float32Array || t.data instanceof BigInt64Array
      ? t.data
      : t.dataType === 'int64'
        ? BigInt64Array.from(t.data, (v) => BigInt(v))
        : Float32Array.from(t.data)
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength)
}

function valueInfo(v: OnnxValueInfo) {
  return {
    name: v.name,
    doc_string: v.docString,
    type: {
      tensor_type: {
        elem_type: DATA_TYPE.float32,
        shape: {
          dim: v.shape.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })),
        },
      },
    },
  }
}

function varint(n: number): Uint8Array {
  const out: number[] = []
  while (n > 0x7f) {
    out.push((n % 0x80) | 0x80)
    n = Math.floor(n / 0x80)
  }
  out.push(n)
  return Uint8Array.from(out)
}

/** A length-delimited field (wire type 2) holding `parts` one after the other. */
function field(fieldNumber: number, parts: Uint8Array[]): Uint8Array[] {
  const length = parts.reduce((n, p) => n + p.length, 0)
  return [varint(fieldNumber * 8 + 2), varint(length), ...parts]
}

/** Some fields of a message, encoded by protobufjs after checking them against the schema. */
function encode(typeName: string, fields: Record<string, unknown>): Uint8Array {
  const type = schema().lookupType(typeName)
  const invalid = type.verify(fields)
  if (invalid) throw new Error(`The ONNX model does not fit onnx.proto (${typeName}): ${invalid}`)
  return type.encode(type.fromObject(fields)).finish()
}

// Field numbers of onnx.proto where this file writes around protobufjs.
const GRAPH_INITIALIZER = 5
const MODEL_GRAPH = 7
const TENSOR_RAW_DATA = 9

/**
 * The model as ModelProto bytes. Small fields are encoded by protobufjs with the official schema;
 * the weights are not copied into its writer (which took 7 of VGG-16's 11 s to serialise 553 MB):
 * a protobuf message is the concatenation of its fields, so each initializer's raw data and the
 * graph around them are framed here and everything is joined in one copy. Fields are written in
 * field-number order, as protobuf's canonical encoding.
 */
export function serializeModel(m: OnnxModel): Uint8Array {
  const initializers = m.initializers.flatMap((t) =>
    field(GRAPH_INITIALIZER, [
      encode('onnx.TensorProto', { dims: t.dims, data_type: DATA_TYPE[t.dataType], name: t.name }),
      ...field(TENSOR_RAW_DATA, [rawData(t)]),
    ]),
  )
  const graph = [
    // node (1), name (2); then initializer (5); then input (11), output (12).
    encode('onnx.GraphProto', {
      node: m.nodes.map((n) => ({
        name: n.name,
        op_type: n.opType,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      name: m.graphName,
    }),
    ...initializers,
    encode('onnx.GraphProto', { input: m.inputs.map(valueInfo), output: m.outputs.map(valueInfo) }),
  ]
  return Buffer.concat([
    // ir_version (1), producer_name (2), producer_version (3), doc_string (6); graph (7);
    // opset_import (8), metadata_props (14).
    encode('onnx.ModelProto', {
      ir_version: m.irVersion,
      producer_name: m.producerName,
      producer_version: m.producerVersion,
      doc_string: m.docString,
    }),
    ...field(MODEL_GRAPH, graph),
    encode('onnx.ModelProto', {
      opset_import: [{ domain: '', version: m.opset }],
      metadata_props: Object.entries(m.metadata).map(([key, value]) => ({ key, value })),
    }),
  ])
}

/** Reads ModelProto bytes back as a plain object (tests and the inspector of exported files). */
export function parseModel(bytes: Uint8Array): Record<string, unknown> {
  const ModelProto = schema().lookupType('onnx.ModelProto')
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array, defaults: false })
}
