import type { Shape } from '../tensor/shape'

/** Plain-data ONNX, turned into a ModelProto by src/main/export/onnx/serialize.ts. */

export type OnnxAttribute = number | number[] | string | { tensor: OnnxTensor }

export interface OnnxNode {
  opType: string
  inputs: string[]
  outputs: string[]
  name: string
  attributes?: Record<string, OnnxAttribute>
}

export interface OnnxTensor {
  name: string
  dataType: 'float32' | 'int64'
  dims: number[]
  data: Float32Array | BigInt64Array | number[]
}

export interface OnnxFragment {
  nodes: OnnxNode[]
  initializers: OnnxTensor[]
}

export interface OnnxCtx {
  /** Unique prefix for node and tensor names of this layer. */
  name: string
  /** ONNX tensor names of the layer's inputs, in port order. */
  inputs: string[]
  /** The ONNX tensor name the fragment must produce. */
  output: string
  /** NHWC shapes as inferred; the emitter converts to NCHW. */
  inputShapes: Shape[]
  outputShape: Shape
  /** Trained (or initial) weights of the layer, in TF.js order and layout. */
  weights: Float32Array[]
  opset: number
}
