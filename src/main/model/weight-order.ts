import type { z } from 'zod'
import { parseParams } from '../../shared/graph/parse-params'
import { LAYERS, type LayerKind } from '../../shared/layers/registry'
import { asSame } from '../../shared/layers/tfjs/conv'
import type { Shape } from '../../shared/tensor/shape'
import { nodeInputs, type BuildableGraph } from './buildable'
import { layerNames } from './layer-names'

/** One weight of the TF.js model, as `model.weights` lists it. */
export interface TfjsWeight {
  /** The expanded node whose layer holds it. */
  nodeId: string
  /** The TF.js layer's name (build-model's, from the node id). */
  layerName: string
  /** The weight's own name within the layer: `kernel`, `bias`, `gamma`, `moving_mean`… */
  weight: string
  /** `layerName/weight`: the variable's name in a model built once in a process. */
  name: string
  shape: number[]
  trainable: boolean
}

type Params<K extends LayerKind> = z.output<(typeof LAYERS)[K]['params']>

/** How a node is built in TF.js: the layers around its weighted one, and that one's weights. */
interface TfjsLayers {
  /** Layers built before the one holding the weights (a ZeroPadding2D for explicit padding). */
  before: number
  /** Layers after it (a separate activation). */
  after: number
  weights: Omit<TfjsWeight, 'nodeId' | 'layerName' | 'name'>[]
}

const one: TfjsLayers = { before: 0, after: 0, weights: [] }
const w = (weight: string, shape: number[], trainable = true) => ({ weight, shape, trainable })
const channels = (s: Shape) => s[s.length - 1] as number

type ConvParams = Params<'Conv2D'> | Params<'DepthwiseConv2D'> | Params<'SeparableConv2D'>
/** conv/tfjs.ts: ZeroPadding2D before unless the padding is 'same' (or none), activation after. */
function convLayers(p: ConvParams, x: Shape, weights: TfjsLayers['weights']): TfjsLayers {
  const padding = asSame(p, x)
  const explicit =
    typeof padding !== 'string' && padding.top + padding.bottom + padding.left + padding.right > 0
  return { before: explicit ? 1 : 0, after: p.activation === 'linear' ? 0 : 1, weights }
}

/**
 * The TF.js layers and weights of each kind, as its `toTfjs` builds them (weights in the layer's
 * own order; trainable ones first in `model.weights` anyway).
 */
const TFJS_LAYERS = {
  Input: () => one,
  Conv2D: (p, [x]) => {
    const [kh, kw] = p.kernelSize
    const c = channels(x)
    return convLayers(p, x, [
      w('kernel', [kh, kw, c, p.filters]),
      ...(p.useBias ? [w('bias', [p.filters])] : []),
    ])
  },
  DepthwiseConv2D: (p, [x]) => {
    const [kh, kw] = p.kernelSize
    const c = channels(x)
    return convLayers(p, x, [
      w('depthwise_kernel', [kh, kw, c, p.depthMultiplier]),
      ...(p.useBias ? [w('bias', [c * p.depthMultiplier])] : []),
    ])
  },
  SeparableConv2D: (p, [x]) => {
    const [kh, kw] = p.kernelSize
    const c = channels(x)
    return convLayers(p, x, [
      w('depthwise_kernel', [kh, kw, c, p.depthMultiplier]),
      w('pointwise_kernel', [1, 1, c * p.depthMultiplier, p.filters]),
      ...(p.useBias ? [w('bias', [p.filters])] : []),
    ])
  },
  MaxPool2D: () => one,
  AvgPool2D: () => one,
  GlobalAvgPool2D: () => one,
  GlobalMaxPool2D: () => one,
  BatchNorm: (p, [x]) => {
    const c = channels(x)
    return {
      ...one,
      weights: [
        ...(p.scale ? [w('gamma', [c])] : []),
        ...(p.center ? [w('beta', [c])] : []),
        w('moving_mean', [c], false),
        w('moving_variance', [c], false),
      ],
    }
  },
  LocalResponseNorm: () => one,
  Dropout: () => one,
  Activation: () => one,
  Add: () => one,
  Concat: () => one,
  ZeroPadding2D: () => one,
  Flatten: () => one,
  Dense: (p, [x]) => ({
    before: 0,
    after: p.activation === 'linear' ? 0 : 1,
    weights: [w('kernel', [x[1] as number, p.units]), ...(p.useBias ? [w('bias', [p.units])] : [])],
  }),
  Output: () => one,
} satisfies { [K in LayerKind]: (p: Params<K>, inputs: Shape[]) => TfjsLayers }

/** The TF.js layers of one expanded node (a registry kind: the graph was checked buildable). */
export function tfjsLayersOf(graph: BuildableGraph, id: string): TfjsLayers {
  const node = graph.expanded.nodes.find((n) => n.id === id)!
  const kind = node.kind as LayerKind
  const p = parseParams(LAYERS[kind].params, node.params).value
  const a = graph.analysis.nodes[id]
  const inputs = (kind === 'Input' ? [a.outputShape] : a.inputShapes) as Shape[]
  return (TFJS_LAYERS[kind] as (p: unknown, inputs: Shape[]) => TfjsLayers)(p, inputs)
}

/**
 * The TF.js model's weights in `model.weights` order, computed without TF.js: what a checkpoint
 * holds, in order. tfjs-layers' Container (engine/container.js) orders its layers by depth (the
 * longest path to the output, in layers, deepest first), ties by a depth-first walk from the
 * output that visits inputs in port order; `weights` is then every layer's trainable weights, then
 * every layer's non-trainable ones (BatchNorm's moving statistics). Only layers the output depends
 * on are in the model.
 */
export function tfjsWeightOrder(graph: BuildableGraph): TfjsWeight[] {
  const inputsOf = nodeInputs(graph.expanded.edges)
  // Pre-order of the walk from the output: the order in which the Container first meets each node.
  const visit = new Map<string, number>()
  const stack = [graph.outputId]
  while (stack.length) {
    const id = stack.pop()!
    if (visit.has(id)) continue
    visit.set(id, visit.size)
    stack.push(...[...(inputsOf.get(id) ?? [])].reverse())
  }
  const layers = new Map([...visit.keys()].map((id) => [id, tfjsLayersOf(graph, id)]))
  // Depth of each node's last layer: 0 at the output; a producer sits one below its consumers'
  // first layers. Consumers come before producers in reverse topological order.
  const last = new Map<string, number>()
  const order = graph.analysis.order.filter((id) => visit.has(id))
  for (const id of [...order].reverse()) {
    const depth = last.get(id) ?? 0
    last.set(id, depth)
    const l = layers.get(id)!
    const first = depth + l.before + l.after
    for (const source of inputsOf.get(id) ?? []) last.set(source, Math.max(last.get(source) ?? 0, first + 1))
  }
  const names = layerNames(graph.analysis.order)
  const weighted = order
    .filter((id) => layers.get(id)!.weights.length > 0)
    .map((id) => ({ id, depth: last.get(id)! + layers.get(id)!.after }))
    .sort((a, b) => b.depth - a.depth || visit.get(a.id)! - visit.get(b.id)!)
  const all = weighted.flatMap(({ id }) =>
    layers.get(id)!.weights.map((weight) => {
      const layerName = names.get(id)!
      return { nodeId: id, layerName, name: `${layerName}/${weight.weight}`, ...weight }
    }),
  )
  return [...all.filter((x) => x.trainable), ...all.filter((x) => !x.trainable)]
}
