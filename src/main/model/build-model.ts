import type * as tfjsModule from '@tensorflow/tfjs'
import type { GraphDocument } from '../../shared/graph/document'
import { parseParams } from '../../shared/graph/parse-params'
import { getLayer } from '../../shared/layers/registry'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import type { Shape } from '../../shared/tensor/shape'
import { checkBuildable, type BuildableGraph, type Purpose } from './buildable'
import { layerNamer } from './layer-names'

type Sym = tfjsModule.SymbolicTensor

export interface BuiltModel extends BuildableGraph {
  /** Input: images NHWC; output: the logits feeding the Output node. */
  model: tfjsModule.LayersModel
  /** Each expanded node's output tensor, for shape checks and activation views. */
  tensors: Map<string, Sym>
  /** The TF.js layer name of each expanded node (its weights live in that layer). */
  layerNames: Map<string, string>
}

/**
 * Builds the TF.js functional model of a graph: checkBuildable (throws GraphBuildError), then each
 * expanded layer through its kind's `toTfjs`, in topological order. `seed` fixes every initial
 * weight and dropout mask; `weightsFollow` (the caller sets every weight next: a checkpoint, a
 * helper thread's copy) starts kernels at zero instead of drawing them (2 s for VGG-16).
 */
export function buildModel(
  tf: Tfjs,
  doc: GraphDocument,
  options: { seed?: number; purpose?: Purpose; weightsFollow?: boolean } = {},
): BuiltModel {
  const graph = checkBuildable(doc, options.purpose)
  const { expanded, analysis } = graph
  const seed = options.seed ?? 1
  const nodes = new Map(expanded.nodes.map((n) => [n.id, n]))
  const inputsOf = new Map<string, string[]>()
  for (const e of expanded.edges) {
    const list = inputsOf.get(e.target) ?? []
    list[e.targetPort] = e.source
    inputsOf.set(e.target, list)
  }
  const name = layerNamer()
  const tensors = new Map<string, Sym>()
  const layerNames = new Map<string, string>()
  // Nodes with no trainable layer upstream (Input, its padding): their outputs need no gradient.
  const constant = new Set<string>()
  analysis.order.forEach((id, index) => {
    const node = nodes.get(id)!
    const a = analysis.nodes[id]
    const spec = getLayer(node.kind)!
    if (node.kind === 'Input') {
      const [, h, w, c] = a.outputShape as number[]
      layerNames.set(id, name(id))
      tensors.set(id, tf.input({ shape: [h, w, c], name: layerNames.get(id) }))
      constant.add(id)
      return
    }
    const sources = inputsOf.get(id) ?? []
    // Nodes that no Input reaches were refused by checkBuildable; a branch that reaches no Output is
    // built but left out of the model by TF.js, as it should be.
    const inputs = sources.map((s) => tensors.get(s)!)
    const params = parseParams(spec.params, node.params).value
    const inputIsConstant = sources.every((s) => constant.has(s))
    if (inputIsConstant && a.params!.trainable === 0) constant.add(id)
    layerNames.set(id, name(id))
    const layer = spec.toTfjs!(tf, params, {
      inputIsConstant,
      name: layerNames.get(id)!,
      inputShapes: a.inputShapes as Shape[],
      outputShape: a.outputShape!,
      seed: seed * 7919 + index,
      weightsFollow: options.weightsFollow,
    })
    const out =
      typeof layer === 'function' ? layer(inputs) : layer.apply(inputs.length === 1 ? inputs[0] : inputs)
    tensors.set(id, out as Sym)
  })
  const model = tf.model({
    inputs: tensors.get(graph.inputId)!,
    outputs: tensors.get(graph.outputId)!,
    name: 'cnn_studio',
  })
  return { ...graph, model, tensors, layerNames }
}
