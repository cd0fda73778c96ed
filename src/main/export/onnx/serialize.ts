import protobuf from 'protobufjs'
import type { OnnxAttribute, OnnxNode, OnnxTensor } from '../../../shared/layers/onnx-types'
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
function tensor(t: OnnxTensor) {
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
  return {
    name: t.name,
    dims: t.dims,
    data_type: DATA_TYPE[t.dataType],
    raw_data: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength),
  }
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

/** The model as ONNX ModelProto bytes, encoded with the official schema. */
export function serializeModel(m: OnnxModel): Uint8Array {
  const ModelProto = schema().lookupType('onnx.ModelProto')
  const message = {
    ir_version: m.irVersion,
    producer_name: m.producerName,
    producer_version: m.producerVersion,
    doc_string: m.docString,
    opset_import: [{ domain: '', version: m.opset }],
    metadata_props: Object.entries(m.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: m.graphName,
      node: m.nodes.map((n) => ({
        name: n.name,
        op_type: n.opType,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: m.initializers.map(tensor),
      input: m.inputs.map(valueInfo),
      output: m.outputs.map(valueInfo),
    },
  }
  const invalid = ModelProto.verify(message)
  if (invalid) throw new Error(`The ONNX model does not fit onnx.proto: ${invalid}`)
  return ModelProto.encode(ModelProto.fromObject(message)).finish()
}

/** Reads ModelProto bytes back as a plain object (tests and the inspector of exported files). */
export function parseModel(bytes: Uint8Array): Record<string, unknown> {
  const ModelProto = schema().lookupType('onnx.ModelProto')
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array, defaults: false })
}
