import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from './document'

/**
 * Builds a document from terse node and edge lists, for tests: `chain` wires each node to the next.
 * Edges are `[source, target, port?]`.
 */
export function testDoc(
  nodes: [id: string, kind: string, params?: Record<string, unknown>][],
  edges: [string, string, number?][] = [],
): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'test',
    nodes: nodes.map(([id, kind, params]) => ({ id, kind, params: params ?? {} })),
    edges: edges.map(([source, target, port]) => ({ source, target, targetPort: port ?? 0 })),
  }
}

export function chain(nodes: [id: string, kind: string, params?: Record<string, unknown>][]): GraphDocument {
  const edges: [string, string][] = []
  for (let i = 1; i < nodes.length; i++) edges.push([nodes[i - 1][0], nodes[i][0]])
  return testDoc(nodes, edges)
}
