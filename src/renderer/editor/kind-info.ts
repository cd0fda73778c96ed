import type { Subgraph } from '../../shared/blocks/define-block'
import { getBlock } from '../../shared/blocks/registry'
import type { GraphDocument, GraphNode } from '../../shared/graph/document'
import type { Shape } from '../../shared/tensor/shape'
import { resolveKind } from '../../shared/graph/kinds'
import { parseParams } from '../../shared/graph/parse-params'

/** How many input handles a node shows: Add and Concat follow their `inputs` parameter. */
export function inputCount(node: GraphNode): number {
  const k = resolveKind(node.kind)
  if (!k) return 1
  if (k.type === 'block') return 1
  const p = parseParams(k.spec.params, node.params)
  return p.error ? Math.max(1, k.spec.arity.min) : k.spec.inputCount(p.value as never)
}

export const hasOutput = (node: GraphNode): boolean => node.kind !== 'Output'

const index = new WeakMap<GraphDocument['nodes'], Map<string, GraphNode>>()

/** The node with this id, through an index built once per nodes array. */
export function nodeById(doc: GraphDocument, id: string): GraphNode | undefined {
  let map = index.get(doc.nodes)
  if (!map) index.set(doc.nodes, (map = new Map(doc.nodes.map((n) => [n.id, n]))))
  return map.get(id)
}

/** A block's layers for its current input, or null when it cannot expand (unknown input, bad params). */
export function blockExpansion(node: GraphNode, inputShape: Shape | null | undefined): Subgraph | null {
  const block = getBlock(node.kind)
  if (!block || !inputShape) return null
  const p = parseParams(block.params, node.params)
  if (p.error) return null
  const sub = block.expand(p.value as never, inputShape)
  return 'error' in sub ? null : sub
}
