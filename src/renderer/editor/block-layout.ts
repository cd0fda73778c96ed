import dagre from '@dagrejs/dagre'
import type { Subgraph } from '../../shared/blocks/define-block'
import { BLOCK_INPUT } from '../../shared/blocks/define-block'
import type { GraphAnalysis } from '../../shared/graph/infer'
import { NODE_HEIGHT, NODE_WIDTH, type SizeOf } from './layout'

export const INNER_WIDTH = 180
export const INNER_HEIGHT = 50
export const GROUP_HEADER = 56
const PAD = 16

export interface BlockLayout {
  width: number
  height: number
  /** Top-left of each inner node, relative to the group. */
  positions: Map<string, { x: number; y: number }>
}

const cache = new WeakMap<Subgraph['nodes'], BlockLayout>()

/** Lays out an expanded block's layers top to bottom inside its group. */
export function layoutBlock(sub: Subgraph): BlockLayout {
  const hit = cache.get(sub.nodes)
  if (hit) return hit
  const g = new dagre.graphlib.Graph()
  g.setGraph({ rankdir: 'TB', nodesep: 16, ranksep: 24 })
  g.setDefaultEdgeLabel(() => ({}))
  for (const n of sub.nodes) g.setNode(n.id, { width: INNER_WIDTH, height: INNER_HEIGHT })
  for (const e of sub.edges) if (e.source !== BLOCK_INPUT) g.setEdge(e.source, e.target)
  dagre.layout(g)
  const graph = g.graph() as { width?: number; height?: number }
  const positions = new Map(
    sub.nodes.map((n) => {
      const p = g.node(n.id)
      return [n.id, { x: PAD + p.x - INNER_WIDTH / 2, y: GROUP_HEADER + p.y - INNER_HEIGHT / 2 }]
    }),
  )
  const layout = {
    width: (graph.width ?? INNER_WIDTH) + 2 * PAD,
    height: (graph.height ?? INNER_HEIGHT) + GROUP_HEADER + PAD,
    positions,
  }
  cache.set(sub.nodes, layout)
  return layout
}

/** The size a document node takes on the canvas: a card, or an expanded block's group. */
export function nodeSizer(analysis: GraphAnalysis): SizeOf {
  return (node) => {
    const sub = node.expanded ? analysis.nodes[node.id]?.expansion : undefined
    if (!sub) return { width: NODE_WIDTH, height: NODE_HEIGHT }
    const { width, height } = layoutBlock(sub)
    return { width, height }
  }
}
