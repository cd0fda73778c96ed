import { irVersionFor, ONNX_OPSET } from '../../shared/api/export'
import type { Shape } from '../../shared/tensor/shape'
import { PRODUCER } from '../export/onnx/build-onnx'
import { emitGraph, ONNX_NAMES, onnxTensorName } from '../export/onnx/emit-graph'
import { serializeModel, type OnnxValueInfo } from '../export/onnx/serialize'
import { outputAncestors, type BuildableGraph } from '../model/buildable'
import type { NamedArray } from '../model/checkpoint'
import { tfjsWeightOrder } from '../model/weight-order'

/** An in-memory ONNX model of a run and where each node's output comes out of it. */
export interface RunOnnx {
  bytes: Uint8Array
  /** Expanded node id → the ONNX tensor holding its output (NCHW for images, [N, units] for vectors). */
  outputs: Map<string, string>
}

/**
 * A checkpoint's weights by expanded node, in each layer's own order, without building TF.js: the
 * checkpoint lists them in TF.js's `model.weights` order, which weight-order.ts computes from the
 * graph alone. Throws when the count or a shape differs (the graph is not the one trained).
 */
export function weightsByNode(graph: BuildableGraph, weights: NamedArray[]): Map<string, NamedArray[]> {
  const order = tfjsWeightOrder(graph)
  if (order.length !== weights.length)
    throw new Error(
      `The checkpoint holds ${weights.length} weight tensors; the run's graph has ${order.length}. The run's weights do not belong to this graph.`,
    )
  const byNode = new Map<string, NamedArray[]>()
  order.forEach((w, i) => {
    const a = weights[i]
    if (a.shape.join('x') !== w.shape.join('x'))
      throw new Error(
        `Checkpoint tensor ${a.name} is ${a.shape.join('×')}; the graph's ${w.name} is ${w.shape.join('×')}.`,
      )
    const list = byNode.get(w.nodeId) ?? []
    list.push(a)
    byNode.set(w.nodeId, list)
  })
  return byNode
}

/** ONNX's layout of a node's output: NHWC images become NCHW; vectors stay. */
const onnxShape = (s: Shape): OnnxValueInfo['shape'] =>
  s.length === 4 ? ['N', s[3] as number, s[1] as number, s[2] as number] : ['N', ...(s.slice(1) as number[])]

/**
 * The run's model as ONNX bytes (the exporter's emitters, NHWC input so images go in as the app
 * holds them), with the logits as output and, when `everyNode`, every node that feeds the output as
 * an output too: one session run gives all feature maps.
 */
export function runOnnx(
  graph: BuildableGraph,
  byNode: Map<string, NamedArray[]>,
  options: { everyNode: boolean },
): RunOnnx {
  const emitted = emitGraph(graph, {
    opset: ONNX_OPSET,
    inputLayout: 'NHWC',
    weightsOf: (id) => (byNode.get(id) ?? []).map((a) => a.data as Float32Array),
  })
  const outputs = new Map<string, string>()
  const declared = new Set(emitted.outputs.map((o) => o.name))
  const needed = outputAncestors(graph)
  if (options.everyNode)
    for (const id of graph.analysis.order) {
      if (!needed.has(id)) continue
      const name = id === graph.outputId ? ONNX_NAMES.logits : onnxTensorName(id)
      outputs.set(id, name)
      if (declared.has(name)) continue
      declared.add(name)
      emitted.outputs.push({ name, shape: onnxShape(graph.analysis.nodes[id].outputShape!) })
    }
  else outputs.set(graph.outputId, ONNX_NAMES.logits)
  const bytes = serializeModel({
    irVersion: irVersionFor(ONNX_OPSET),
    opset: ONNX_OPSET,
    producerName: PRODUCER.name,
    producerVersion: PRODUCER.version,
    graphName: 'run',
    docString: 'A run evaluated in CNN Studio (not written to disk).',
    ...emitted,
    metadata: {},
  })
  return { bytes, outputs }
}
