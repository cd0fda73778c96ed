import type { GraphDocument, GraphNode } from '../../shared/graph/document'
import { inferGraph, type GraphAnalysis } from '../../shared/graph/infer'
import { useDocument } from './document-store'

// Derived, never stored. Re-analysed when what inferGraph reads changes: the edges, or a node's id,
// kind, name, params or expansion. A move replaces the nodes array but none of those, so dragging
// keeps the same analysis object and nothing that depends on it re-renders.
let lastNodes: GraphDocument['nodes'] | null = null
let lastEdges: GraphDocument['edges'] | null = null
let last: GraphAnalysis | null = null

const sameForAnalysis = (a: GraphNode, b: GraphNode) =>
  a === b ||
  (a.id === b.id &&
    a.kind === b.kind &&
    a.name === b.name &&
    a.params === b.params &&
    a.expanded === b.expanded)

function sameNodes(a: readonly GraphNode[], b: readonly GraphNode[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (!sameForAnalysis(a[i], b[i])) return false
  return true
}

export function analyse(doc: GraphDocument): GraphAnalysis {
  if (!last || doc.edges !== lastEdges || (doc.nodes !== lastNodes && !sameNodes(doc.nodes, lastNodes!))) {
    last = inferGraph(doc)
    lastEdges = doc.edges
  }
  lastNodes = doc.nodes
  return last
}

/** The analysis of the document being edited. */
export const useAnalysis = (): GraphAnalysis => useDocument((s) => analyse(s.doc))
