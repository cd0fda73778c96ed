import { BLOCK_INPUT } from '../blocks/define-block'
import { getBlock } from '../blocks/registry'
import type { GraphDocument, GraphEdge, GraphNode } from './document'
import { inferGraph, type GraphAnalysis } from './infer'
import { parseParams } from './parse-params'

/**
 * Replaces every block node whose input shape is known by its layers, giving a document of
 * primitive kinds only (for training, export and `inspect --expand`). Inner nodes get the ids
 * `blockId/innerId`, as in `GraphAnalysis.inner`. Blocks that cannot expand (an unknown input,
 * bad parameters) are kept as they are, so their errors still show.
 */
export function expandDocument(doc: GraphDocument, analysis: GraphAnalysis = inferGraph(doc)): GraphDocument {
  return expandWithOutputs(doc, analysis).expanded
}

/**
 * {@link expandDocument}, with the expanded id of each expanded block's output node (what the
 * block's outgoing edges carry), by block id.
 */
export function expandWithOutputs(
  doc: GraphDocument,
  analysis: GraphAnalysis = inferGraph(doc),
): { expanded: GraphDocument; outputOf: Map<string, string> } {
  const nodes: GraphNode[] = []
  const outputOf = new Map<string, string>()
  const innerEdges: GraphEdge[] = []
  const inputsOf = new Map<string, { target: string; targetPort: number }[]>()

  for (const node of doc.nodes) {
    const spec = getBlock(node.kind)
    const input = analysis.nodes[node.id]?.inputShapes[0]
    const params = spec ? parseParams(spec.params, node.params) : undefined
    const expansion =
      spec && input && params?.error === undefined ? spec.expand(params!.value as never, input) : undefined
    if (!expansion || 'error' in expansion) {
      nodes.push(node)
      continue
    }
    const id = (inner: string) => `${node.id}/${inner}`
    for (const n of expansion.nodes)
      nodes.push({
        id: id(n.id),
        kind: n.kind,
        name: `${node.name ?? node.id}/${n.name ?? n.id}`,
        params: n.params,
      })
    const fromInput: { target: string; targetPort: number }[] = []
    for (const e of expansion.edges) {
      if (e.source === BLOCK_INPUT) fromInput.push({ target: id(e.target), targetPort: e.targetPort })
      else innerEdges.push({ source: id(e.source), target: id(e.target), targetPort: e.targetPort })
    }
    inputsOf.set(node.id, fromInput)
    outputOf.set(node.id, id(expansion.output))
  }

  const edges: GraphEdge[] = []
  for (const e of doc.edges) {
    const source = outputOf.get(e.source) ?? e.source
    const targets = inputsOf.get(e.target)
    if (targets) for (const t of targets) edges.push({ source, target: t.target, targetPort: t.targetPort })
    else edges.push({ ...e, source })
  }
  edges.push(...innerEdges)
  return { expanded: { ...doc, nodes, edges }, outputOf }
}
