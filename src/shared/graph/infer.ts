import { BLOCK_INPUT, type Subgraph } from '../blocks/define-block'
import { isVariadic, type ParamCount } from '../layers/define-layer'
import type { LayerError } from '../layers/errors'
import { elementsPerSample, type Shape } from '../tensor/shape'
import type { GraphDocument } from './document'
import { resolveKind, type ResolvedKind } from './kinds'
import { parseParams } from './parse-params'
import { layerSizeWarning, totalsSizeWarning, type SizeWarning } from './size-limits'
import { structure, type NodeLike, type EdgeLike } from './structure'

/** float32 activations. */
export const BYTES_PER_ELEMENT = 4

export type NodeStatus = 'ok' | 'error' | 'unknown'

/** What the analysis derives for one node. `unknown`: an input is in error or unknown. */
export interface NodeAnalysis {
  id: string
  kind: string
  status: NodeStatus
  outputShape: Shape | null
  /** Per input port; null where unknown. */
  inputShapes: (Shape | null)[]
  /**
   * How many inputs the node takes (the editor's input handles): its kind's number for these
   * parameters (Add and Concat follow `inputs`, Input takes none, a block one). Where the parameters
   * do not parse, the kind's least; for an unknown kind, 1.
   */
  inputCount: number
  params: ParamCount | null
  /** Multiply-accumulates per sample. */
  macs: number | null
  /** Bytes of this node's output (for a block: of all its layers' outputs) at batch 1. */
  activationBytes: number | null
  error: LayerError | null
  /**
   * A size no backend can build (an output or weights beyond 2^31 elements, a count that overflows;
   * graph/size-limits.ts); for a block, its first layer's. The node still has its shape and counts.
   */
  warning: SizeWarning | null
  /** The palette summary of the parsed parameters, e.g. `64 · 3×3 /2 · same`. */
  summary: string | null
  /** Blocks: ids of the expansion's nodes in `GraphAnalysis.inner`, in order. */
  inner?: string[]
  /** Blocks: the layers `expand` gave for the block's input shape (absent when it could not expand). */
  expansion?: Subgraph
}

export interface GraphAnalysis {
  nodes: Record<string, NodeAnalysis>
  /** Node ids in topological order (inputs first); nodes on cycles come last. */
  order: string[]
  /** Nodes of block expansions, keyed `blockId/innerId`. */
  inner: Record<string, NodeAnalysis>
  totals: { trainable: number; nonTrainable: number; macs: number; activationBytes: number }
  errors: { nodeId: string; message: string; param?: string; port?: number }[]
  /** Problems that belong to no node (a duplicate id, an edge into a missing node). */
  documentErrors: string[]
  /** Sizes no backend can build: each node's `warning`, and the totals' own (nodeId null). */
  warnings: { nodeId: string | null; message: string }[]
}

/**
 * Analyses a graph document: every node's output shape, parameter counts, MACs, activation memory
 * and error. Never throws on user input; an error marks what depends on it `unknown`.
 */
export function inferGraph(doc: Pick<GraphDocument, 'nodes' | 'edges'>): GraphAnalysis {
  const inner: Record<string, NodeAnalysis> = {}
  const { nodes, order, documentErrors } = analyse(doc.nodes, doc.edges, undefined, inner, '')
  const totals = { trainable: 0, nonTrainable: 0, macs: 0, activationBytes: 0 }
  const errors: GraphAnalysis['errors'] = []
  const warnings: GraphAnalysis['warnings'] = []
  for (const id of order) {
    const n = nodes[id]
    if (n.warning) warnings.push({ nodeId: id, message: n.warning.message })
    if (n.status === 'ok') {
      totals.trainable += n.params!.trainable
      totals.nonTrainable += n.params!.nonTrainable
      totals.macs += n.macs!
      totals.activationBytes += n.activationBytes!
    } else if (n.error) {
      errors.push({ nodeId: id, message: n.error.message, param: n.error.param, port: n.error.port })
    }
  }
  const total = totalsSizeWarning(totals)
  if (total) warnings.push({ nodeId: null, message: total })
  return { nodes, order, inner, totals, errors, documentErrors, warnings }
}

function analyse(
  nodeList: readonly NodeLike[],
  edges: readonly EdgeLike[],
  external: Map<string, Shape> | undefined,
  inner: Record<string, NodeAnalysis>,
  prefix: string,
): { nodes: Record<string, NodeAnalysis>; order: string[]; documentErrors: string[] } {
  const kinds = new Map<string, ResolvedKind | undefined>()
  const parsed = new Map<string, unknown>()
  const counts = new Map<string, number>()
  const out: Record<string, NodeAnalysis> = {}
  const preErrors = new Map<string, LayerError>()

  // Kind and parameters first: the number of inputs of Add and Concat depends on the parameters.
  for (const node of nodeList) {
    if (kinds.has(node.id)) continue // a duplicate id: the first node wins, as in structure()
    const resolved = resolveKind(node.kind)
    kinds.set(node.id, resolved)
    if (!resolved) {
      preErrors.set(node.id, {
        message: `Unknown kind '${node.kind}'. Replace this node with one from the palette.`,
      })
      counts.set(node.id, 1)
      continue
    }
    const p = parseParams(resolved.spec.params, node.params)
    if (p.error) preErrors.set(node.id, p.error)
    else parsed.set(node.id, p.value)
    counts.set(
      node.id,
      resolved.type === 'block'
        ? 1
        : p.error
          ? resolved.spec.arity.min
          : resolved.spec.inputCount(p.value as never),
    )
  }
  // Wiring knows the ports only of nodes whose parameters parse; the others take theirs from the edges.
  const inputCount = (id: string): number | undefined => (parsed.has(id) ? counts.get(id) : undefined)
  const variadic = (id: string): boolean => {
    const k = kinds.get(id)
    return k?.type === 'layer' && isVariadic(k.spec)
  }
  const s = structure(nodeList, edges, inputCount, variadic, (id) => external?.has(id) ?? false)

  for (const id of s.order) {
    const node = s.byId.get(id)!
    const ports = s.incoming.get(id)!
    const result: NodeAnalysis = {
      id,
      kind: node.kind,
      status: 'error',
      outputShape: null,
      inputShapes: ports.map((src) =>
        src === undefined ? null : (external?.get(src) ?? out[src]?.outputShape ?? null),
      ),
      inputCount: counts.get(id)!,
      params: null,
      macs: null,
      activationBytes: null,
      error: null,
      warning: null,
      summary: null,
    }
    out[id] = result
    const resolved = kinds.get(id)
    const error = preErrors.get(id) ?? s.errors.get(id)
    if (resolved && parsed.has(id)) result.summary = resolved.spec.palette.summary(parsed.get(id) as never)
    if (error || !resolved) {
      result.error = error ?? null
      // A block miswired beyond its first input still shows its layers when expanded on the canvas.
      const first = result.inputShapes[0]
      if (resolved?.type === 'block' && parsed.has(id) && first) {
        const sub = resolved.spec.expand(parsed.get(id) as never, first)
        if (!('error' in sub)) result.expansion = sub
      }
      continue
    }
    if (result.inputShapes.some((x) => x === null)) {
      result.status = 'unknown'
      continue
    }
    const inputs = result.inputShapes as Shape[]
    const p = parsed.get(id) as never
    if (resolved.type === 'layer') {
      const spec = resolved.spec
      const r = spec.inferShape(p, inputs)
      if (r.error) {
        result.error = r.error
        continue
      }
      result.status = 'ok'
      result.outputShape = r.shape
      result.params = spec.paramCount(p, inputs, r.shape)
      result.macs = spec.macs(p, inputs, r.shape)
      result.activationBytes = elementsPerSample(r.shape) * BYTES_PER_ELEMENT
      result.warning = layerSizeWarning(r.shape, result.params, result.macs)
    } else {
      analyseBlock(result, resolved.spec.expand(p, inputs[0]), inputs[0], inner, `${prefix}${id}/`)
    }
  }
  return { nodes: out, order: s.order, documentErrors: s.documentErrors }
}

function analyseBlock(
  result: NodeAnalysis,
  expansion: ReturnType<Extract<ResolvedKind, { type: 'block' }>['spec']['expand']>,
  input: Shape,
  inner: Record<string, NodeAnalysis>,
  prefix: string,
): void {
  if ('error' in expansion) {
    result.error = expansion.error
    return
  }
  result.expansion = expansion
  const sub = analyse(expansion.nodes, expansion.edges, new Map([[BLOCK_INPUT, input]]), inner, prefix)
  const params = { trainable: 0, nonTrainable: 0 }
  let macs = 0
  let bytes = 0
  result.inner = []
  // The expansion's own order reads best (a branch after its trunk); it is topological too.
  for (const { id: innerId } of expansion.nodes) {
    const n = sub.nodes[innerId]
    if (!n) continue
    const key = prefix + innerId
    inner[key] = { ...n, id: key }
    result.inner.push(key)
    if (n.status === 'ok') {
      params.trainable += n.params!.trainable
      params.nonTrainable += n.params!.nonTrainable
      macs += n.macs!
      bytes += n.activationBytes!
      if (n.warning && !result.warning) {
        const name = expansion.nodes.find((x) => x.id === innerId)?.name ?? innerId
        result.warning = { message: `${name}: ${n.warning.message}`, short: `${name}: ${n.warning.short}` }
      }
    } else if (n.error && !result.error) {
      const name = expansion.nodes.find((x) => x.id === innerId)?.name ?? innerId
      result.error = { message: `${name}: ${n.error.message}` }
    }
  }
  const output = sub.nodes[expansion.output]
  if (result.error) return
  if (!output || output.status !== 'ok') {
    result.error = { message: `The block's output layer '${expansion.output}' has no shape.` }
    return
  }
  result.status = 'ok'
  result.outputShape = output.outputShape
  result.params = params
  result.macs = macs
  result.activationBytes = bytes
}
