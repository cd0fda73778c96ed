import type { GraphDocument, GraphEdge, GraphNode } from './document'
import { resolveKind } from './kinds'

/** One parameter whose parsed value differs between two versions of a node. */
export interface ParamChange {
  param: string
  /** Absent when the parameter does not exist on that side (the kind changed). */
  before?: unknown
  after?: unknown
}

export interface NodeChange {
  id: string
  /** The node as it is after the change. */
  node: GraphNode
  /** Set when the node's kind changed (its parameters are then compared as each kind reads them). */
  kind?: { before: string; after: string }
  params: ParamChange[]
}

/**
 * What changed from one graph version to another. Nodes are matched by id; edges by source, target
 * and input port. Positions and display names are not part of the network, so they are not compared.
 */
export interface GraphDiff {
  added: GraphNode[]
  removed: GraphNode[]
  changed: NodeChange[]
  edgesAdded: GraphEdge[]
  edgesRemoved: GraphEdge[]
}

/** Whether a diff found nothing at all. */
export const isEmptyDiff = (d: GraphDiff): boolean =>
  d.added.length + d.removed.length + d.changed.length + d.edgesAdded.length + d.edgesRemoved.length === 0

/**
 * A node's parameters as its kind reads them (defaults filled in), so `{}` and the explicit defaults
 * are the same; parameters that do not parse (or an unknown kind) are compared as written.
 */
function effectiveParams(node: GraphNode): Record<string, unknown> {
  const parsed = resolveKind(node.kind)?.spec.params.safeParse(node.params)
  return parsed?.success && isRecord(parsed.data) ? parsed.data : node.params
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Structural equality of JSON-like values (parameters are numbers, strings, booleans, short lists). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (Array.isArray(a) || Array.isArray(b))
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]))
    )
  if (!isRecord(a) || !isRecord(b)) return false
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].every((k) => sameValue(a[k], b[k]))
}

function paramChanges(before: GraphNode, after: GraphNode): ParamChange[] {
  const a = effectiveParams(before)
  const b = effectiveParams(after)
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
  return keys
    .filter((k) => !sameValue(a[k], b[k]))
    .map((param) => ({
      param,
      ...(param in a ? { before: a[param] } : {}),
      ...(param in b ? { after: b[param] } : {}),
    }))
}

const edgeKey = (e: GraphEdge) => `${e.source}\u0000${e.target}\u0000${e.targetPort}`

/** The differences from `before` to `after`: nodes added, removed and changed, edges added and removed. */
export function diffGraphs(
  before: Pick<GraphDocument, 'nodes' | 'edges'>,
  after: Pick<GraphDocument, 'nodes' | 'edges'>,
): GraphDiff {
  const old = new Map(before.nodes.map((n) => [n.id, n]))
  const now = new Set(after.nodes.map((n) => n.id))
  const added: GraphNode[] = []
  const changed: NodeChange[] = []
  for (const node of after.nodes) {
    const prev = old.get(node.id)
    if (!prev) {
      added.push(node)
      continue
    }
    const params = paramChanges(prev, node)
    const kind = prev.kind !== node.kind ? { before: prev.kind, after: node.kind } : undefined
    if (kind || params.length) changed.push({ id: node.id, node, ...(kind ? { kind } : {}), params })
  }
  const oldEdges = new Set(before.edges.map(edgeKey))
  const newEdges = new Set(after.edges.map(edgeKey))
  return {
    added,
    removed: before.nodes.filter((n) => !now.has(n.id)),
    changed,
    edgesAdded: after.edges.filter((e) => !oldEdges.has(edgeKey(e))),
    edgesRemoved: before.edges.filter((e) => !newEdges.has(edgeKey(e))),
  }
}
