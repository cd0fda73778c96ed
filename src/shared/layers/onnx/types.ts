import type { Shape } from '../../tensor/shape'

/**
 * Plain-data ONNX, turned into a ModelProto by src/main/export/onnx/serialize.ts. Shapes in the
 * registry are NHWC; every 4-D tensor of the emitted graph is NCHW (tf2onnx's convention), so the
 * emitters own the conversion.
 */

/** A number is an INT, a number[] INTS; floats are tagged, since ONNX types every attribute. */
export type OnnxAttribute = number | number[] | string | { float: number }

export const float = (value: number): { float: number } => ({ float: value })

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
  /**
   * Trained (or initial) weights of the layer, in TF.js order and layout (HWIO kernels); the
   * emitter converts them (OIHW for ONNX).
   */
  weights: Float32Array[]
  opset: number
  /**
   * The layout of the model's input tensor: 4-D tensors inside the ONNX graph are always NCHW;
   * with 'NHWC' the Input transposes once at the edge.
   */
  inputLayout: 'NCHW' | 'NHWC'
}
