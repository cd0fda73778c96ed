import type { GraphDocument } from '../../shared/graph/document'
import { inferGraph, type GraphAnalysis } from '../../shared/graph/infer'
import { useDocument } from './document-store'

// Derived, never stored: re-analysed only when the node or edge arrays change (every edit makes
// new arrays; undo restores old ones, which are analysed again).
let lastNodes: GraphDocument['nodes'] | null = null
let lastEdges: GraphDocument['edges'] | null = null
let last: GraphAnalysis | null = null

export function analyse(doc: GraphDocument): GraphAnalysis {
  if (doc.nodes !== lastNodes || doc.edges !== lastEdges || !last) {
    last = inferGraph(doc)
    lastNodes = doc.nodes
    lastEdges = doc.edges
  }
  return last
}

/** The analysis of the document being edited. */
export const useAnalysis = (): GraphAnalysis => useDocument((s) => analyse(s.doc))
