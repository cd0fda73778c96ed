import { parseParams } from '../../../shared/graph/parse-params'
import { getLayer } from '../../../shared/layers/registry'
import type { OnnxNode, OnnxTensor } from '../../../shared/layers/onnx/types'
import type { Shape } from '../../../shared/tensor/shape'
import { outputAncestors, type BuildableGraph } from '../../model/buildable'
import type { OnnxValueInfo } from './serialize'

/** The tensor names every exported model uses at its edges. */
export const ONNX_NAMES = { input: 'images', logits: 'logits', probabilities: 'probabilities' } as const

export interface EmitOptions {
  opset: number
  inputLayout: 'NCHW' | 'NHWC'
  /** The layer's weights in TF.js order and layout (empty for layers without any). */
  weightsOf(nodeId: string): Float32Array[]
}

export interface EmittedGraph {
  nodes: OnnxNode[]
  initializers: OnnxTensor[]
  inputs: OnnxValueInfo[]
  outputs: OnnxValueInfo[]
}

const RESERVED = new Set<string>(Object.values(ONNX_NAMES))
/**
 * An ONNX tensor name for a node's output: its expanded id, unique and readable in Netron, unless
 * that is one of the model's edge names (LeNet's last Dense is called `logits`).
 */
export const onnxTensorName = (id: string) => (RESERVED.has(id) ? `${id}/output` : id)

/**
 * The ONNX graph of a checked, expanded graph: each layer through its kind's `toOnnx` in
 * topological order, the model input `images` (NCHW, or NHWC when asked), and two outputs:
 * `logits` (what the Output node receives, what TF.js computes) and `probabilities` (their softmax).
 */
export function emitGraph(graph: BuildableGraph, options: EmitOptions): EmittedGraph {
  const { expanded, analysis } = graph
  const nodes = new Map(expanded.nodes.map((n) => [n.id, n]))
  const inputsOf = new Map<string, string[]>()
  for (const e of expanded.edges) {
    const list = inputsOf.get(e.target) ?? []
    list[e.targetPort] = e.source
    inputsOf.set(e.target, list)
  }
  const needed = outputAncestors(graph)
  const out: EmittedGraph = { nodes: [], initializers: [], inputs: [], outputs: [] }
  const outputName = (id: string) => (id === graph.outputId ? ONNX_NAMES.logits : onnxTensorName(id))

  for (const id of analysis.order) {
    if (!needed.has(id)) continue
    const node = nodes.get(id)!
    const a = analysis.nodes[id]
    const spec = getLayer(node.kind)!
    const params = parseParams(spec.params, node.params).value
    const fragment = spec.toOnnx(params, {
      name: onnxTensorName(id),
      inputs: node.kind === 'Input' ? [ONNX_NAMES.input] : (inputsOf.get(id) ?? []).map(outputName),
      output: outputName(id),
      inputShapes: node.kind === 'Input' ? [a.outputShape!] : (a.inputShapes as Shape[]),
      outputShape: a.outputShape!,
      weights: options.weightsOf(id),
      opset: options.opset,
      inputLayout: options.inputLayout,
    })
    out.nodes.push(...fragment.nodes)
    out.initializers.push(...fragment.initializers)
  }

  const { height, width, channels } = graph.input
  out.inputs.push({
    name: ONNX_NAMES.input,
    shape: options.inputLayout === 'NCHW' ? ['N', channels, height, width] : ['N', height, width, channels],
    docString: `Images, ${options.inputLayout}, preprocessed as metadata cnn_studio.preprocess says.`,
  })
  out.nodes.push({
    opType: 'Softmax',
    name: 'probabilities/Softmax',
    inputs: [ONNX_NAMES.logits],
    outputs: [ONNX_NAMES.probabilities],
    attributes: { axis: 1 },
  })
  out.outputs.push(
    { name: ONNX_NAMES.logits, shape: ['N', graph.classes], docString: 'Class scores before softmax.' },
    {
      name: ONNX_NAMES.probabilities,
      shape: ['N', graph.classes],
      docString: 'Class probabilities; classes named in metadata cnn_studio.classes.',
    },
  )
  return out
}
