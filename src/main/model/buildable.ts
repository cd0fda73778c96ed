import type { GraphDocument } from '../../shared/graph/document'
import { expandDocument } from '../../shared/graph/expand'
import { inferGraph, type GraphAnalysis } from '../../shared/graph/infer'
import { graphIo, type GraphIo } from '../../shared/graph/io'
import { parseParams } from '../../shared/graph/parse-params'
import { getLayer } from '../../shared/layers/registry'

export interface BuildIssue {
  /** The node at fault (an expanded id `block/inner` inside a block); absent for the graph. */
  nodeId?: string
  message: string
}

/** What building a model reads from a valid graph: the expanded layers and the data shape they expect. */
export interface BuildableGraph {
  /** Primitive layers only: blocks replaced by their expansion. */
  expanded: GraphDocument
  analysis: GraphAnalysis
  inputId: string
  outputId: string
  input: { height: number; width: number; channels: number }
  classes: number
}

/** What the graph is checked for; the checks are the same, the messages say which. */
export type Purpose = 'train' | 'export'

/** The graph cannot be built as a TF.js model (to train or to export it): every problem, each with its fix. */
export class GraphBuildError extends Error {
  constructor(
    readonly issues: BuildIssue[],
    purpose: Purpose = 'train',
  ) {
    super(
      `The graph cannot be ${purpose === 'train' ? 'trained' : 'exported'}:\n${issues.map((i) => `- ${i.nodeId ? `${i.nodeId}: ` : ''}${i.message}`).join('\n')}`,
    )
  }
}

/**
 * Checks, before anything is built or loaded, that a graph can be trained or exported: no analysis
 * errors or size warnings (a tensor beyond 2^31 elements, graph/size-limits.ts), one Input, one Output, every layer buildable in TF.js, and no convolution both dilated and
 * strided (TF.js computes neither its values nor its gradient; dilated stride-1 ones train through
 * space-to-batch, shared/layers/tfjs/dilated-conv.ts). Throws GraphBuildError listing every problem with its fix.
 */
export function checkBuildable(doc: GraphDocument, purpose: Purpose = 'train'): BuildableGraph {
  const training = purpose === 'train'
  const verb = training ? 'Training' : 'Export'
  const top = inferGraph(doc)
  const issues: BuildIssue[] = [
    ...top.documentErrors.map((message) => ({ message })),
    ...top.errors.map((e) => ({ nodeId: e.nodeId, message: e.message })),
    // Sizes no backend holds: refused here, before TF.js fails with "Invalid typed array length".
    ...top.warnings.map((w) => ({ nodeId: w.nodeId ?? undefined, message: w.message })),
  ]
  if (issues.length) throw new GraphBuildError(issues, purpose)

  const expanded = expandDocument(doc, top)
  const analysis = inferGraph(expanded)
  const inputs = expanded.nodes.filter((n) => n.kind === 'Input')
  const outputs = expanded.nodes.filter((n) => n.kind === 'Output')
  if (inputs.length !== 1)
    issues.push({
      message: `${verb} needs exactly one Input node (images in), found ${inputs.length}.${inputs.length ? ' Delete the extra ones.' : ' Add an Input from the palette.'}`,
    })
  if (outputs.length !== 1)
    issues.push({
      message: `${verb} needs exactly one Output node (the loss head), found ${outputs.length}.${outputs.length ? ' Delete the extra ones.' : ' Add an Output after a Dense layer with one unit per class.'}`,
    })
  for (const node of expanded.nodes) {
    const spec = getLayer(node.kind)
    if (!spec) {
      issues.push({ nodeId: node.id, message: `${node.kind} could not be expanded into layers.` })
      continue
    }
    if (node.kind !== 'Input' && !spec.toTfjs)
      issues.push({ nodeId: node.id, message: `${node.kind} cannot be built in TensorFlow.js yet.` })
    const p = parseParams(spec.params, node.params).value as {
      dilation?: [number, number]
      strides?: [number, number]
    }
    const dilated = p?.dilation && (p.dilation[0] > 1 || p.dilation[1] > 1)
    if (dilated && p.strides && (p.strides[0] > 1 || p.strides[1] > 1))
      issues.push({
        nodeId: node.id,
        message: `${node.kind} has dilation ${p.dilation![0]}×${p.dilation![1]} and strides ${p.strides[0]}×${p.strides[1]}: TensorFlow.js computes a dilated convolution only with stride 1. Set strides to 1×1 and downsample with a pooling layer after it.`,
      })
  }
  if (issues.length) throw new GraphBuildError(issues, purpose)
  // One Input, one Output and no analysis errors: the graph states its whole contract.
  const io = graphIo(expanded.nodes) as GraphIo
  return { expanded, analysis, inputId: inputs[0].id, outputId: outputs[0].id, ...io }
}

/** Each node's sources, in port order. */
export function nodeInputs(edges: readonly { source: string; target: string; targetPort: number }[]) {
  const inputs = new Map<string, string[]>()
  for (const e of edges) {
    const list = inputs.get(e.target) ?? []
    list[e.targetPort] = e.source
    inputs.set(e.target, list)
  }
  return inputs
}

/** Nodes the Output depends on: what TF.js keeps in the model (a dead-end branch is left out). */
export function outputAncestors(graph: BuildableGraph): Set<string> {
  const sources = new Map<string, string[]>()
  for (const e of graph.expanded.edges) sources.set(e.target, [...(sources.get(e.target) ?? []), e.source])
  const seen = new Set<string>()
  const stack = [graph.outputId]
  while (stack.length) {
    const id = stack.pop()!
    if (seen.has(id)) continue
    seen.add(id)
    stack.push(...(sources.get(id) ?? []))
  }
  return seen
}
