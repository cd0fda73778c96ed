import dagre from '@dagrejs/dagre'
import type { GraphDocument } from '../../shared/graph/document'

export const NODE_WIDTH = 220
export const NODE_HEIGHT = 78

export type SizeOf = (node: GraphDocument['nodes'][number]) => { width: number; height: number }
const defaultSize: SizeOf = () => ({ width: NODE_WIDTH, height: NODE_HEIGHT })

/** Lays the whole graph out top to bottom with dagre (layered, few crossings). */
export function autoLayout(doc: GraphDocument, sizeOf: SizeOf = defaultSize): GraphDocument {
  const g = new dagre.graphlib.Graph()
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 56, marginx: 20, marginy: 20 })
  g.setDefaultEdgeLabel(() => ({}))
  for (const n of doc.nodes) g.setNode(n.id, sizeOf(n))
  for (const e of doc.edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target)
  dagre.layout(g)
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const p = g.node(n.id)
      return { ...n, position: { x: Math.round(p.x - p.width / 2), y: Math.round(p.y - p.height / 2) } }
    }),
  }
}

/** Lays out only when some node has no position (templates and imported files ship none). */
export function ensurePositions(doc: GraphDocument): GraphDocument {
  return doc.nodes.some((n) => !n.position) ? autoLayout(doc) : doc
}
