import type { GraphDocument, GraphNode } from '../../shared/graph/document'

const index = new WeakMap<GraphDocument['nodes'], Map<string, GraphNode>>()

/** The node with this id, through an index built once per nodes array. */
export function nodeById(doc: GraphDocument, id: string): GraphNode | undefined {
  let map = index.get(doc.nodes)
  if (!map) index.set(doc.nodes, (map = new Map(doc.nodes.map((n) => [n.id, n]))))
  return map.get(id)
}
