import dagre from '@dagrejs/dagre'
import type { GraphDocument } from '../../shared/graph/document'

export const NODE_WIDTH = 220
export const NODE_HEIGHT = 78

/** Lays the whole graph out top to bottom with dagre (layered, few crossings). */
export function autoLayout(doc: GraphDocument): GraphDocument {
  const g = new dagre.graphlib.Graph()
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 56, marginx: 20, marginy: 20 })
  g.setDefaultEdgeLabel(() => ({}))
  for (const n of doc.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT })
  for (const e of doc.edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target)
  dagre.layout(g)
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const p = g.node(n.id)
      return { ...n, position: { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - NODE_HEIGHT / 2) } }
    }),
  }
}

/** Lays out only when some node has no position (templates and imported files ship none). */
export function ensurePositions(doc: GraphDocument): GraphDocument {
  return doc.nodes.some((n) => !n.position) ? autoLayout(doc) : doc
}
