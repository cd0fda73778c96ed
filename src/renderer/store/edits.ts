import type { GraphDocument, GraphEdge, GraphNode } from '../../shared/graph/document'
import type { Fix } from '../../shared/layers/errors'
import { isLayerKind } from '../../shared/layers/registry'

/**
 * Pure edits of the graph document. Each returns a new document and leaves the old one intact, so
 * the history can keep old documents by reference.
 */

type Position = { x: number; y: number }

/** A fresh id from a kind: `conv2d3`, never one in use. */
export function freshId(
  doc: GraphDocument,
  kind: string,
  taken = new Set(doc.nodes.map((n) => n.id)),
): string {
  const stem = kind.toLowerCase().replace(/[^a-z0-9]+/g, '')
  for (let i = 1; ; i++) if (!taken.has(`${stem}${i}`)) return `${stem}${i}`
}

export function addNode(
  doc: GraphDocument,
  kind: string,
  position: Position,
  params: Record<string, unknown> = {},
): { doc: GraphDocument; id: string } {
  const id = freshId(doc, kind)
  return { doc: { ...doc, nodes: [...doc.nodes, { id, kind, params, position }] }, id }
}

export function removeNodes(doc: GraphDocument, ids: ReadonlySet<string>): GraphDocument {
  if (ids.size === 0) return doc
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !ids.has(n.id)),
    edges: doc.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target)),
  }
}

const sameEdge = (a: GraphEdge, b: GraphEdge) =>
  a.source === b.source && a.target === b.target && a.targetPort === b.targetPort

export function removeEdges(doc: GraphDocument, edges: readonly GraphEdge[]): GraphDocument {
  const kept = doc.edges.filter((e) => !edges.some((r) => sameEdge(e, r)))
  return kept.length === doc.edges.length ? doc : { ...doc, edges: kept }
}

/** Deletes nodes (with every edge that touches them) and edges, as one edit: one undo step. */
export function removeElements(
  doc: GraphDocument,
  ids: ReadonlySet<string>,
  edges: readonly GraphEdge[],
): GraphDocument {
  return removeEdges(removeNodes(doc, ids), edges)
}

/** Connects source → target's input `port`, replacing whatever fed that port. */
export function connect(doc: GraphDocument, source: string, target: string, port: number): GraphDocument {
  if (source === target) return doc
  const edges = doc.edges.filter((e) => !(e.target === target && e.targetPort === port))
  return { ...doc, edges: [...edges, { source, target, targetPort: port }] }
}

export function setParams(doc: GraphDocument, id: string, params: Record<string, unknown>): GraphDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params } : n)) }
}

export function setParam(doc: GraphDocument, id: string, key: string, value: unknown): GraphDocument {
  const node = doc.nodes.find((n) => n.id === id)
  if (!node) return doc
  const params = { ...node.params }
  if (value === undefined) delete params[key]
  else params[key] = value
  return setParams(doc, id, params)
}

export function renameNode(doc: GraphDocument, id: string, name: string): GraphDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, name: name || undefined } : n)) }
}

export function moveNodes(doc: GraphDocument, positions: ReadonlyMap<string, Position>): GraphDocument {
  if (positions.size === 0) return doc
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const p = positions.get(n.id)
      return p ? { ...n, position: { x: p.x, y: p.y } } : n
    }),
  }
}

export function setExpanded(doc: GraphDocument, id: string, expanded: boolean): GraphDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (n.id === id ? { ...n, expanded: expanded || undefined } : n)),
  }
}

/**
 * Applies an error's one-click fix: set a parameter (of the node, or of the node feeding one of its
 * inputs), or insert a layer on one input connection
 * (between the source and the failing node), placed between the two. A fix that names no layer kind
 * of the registry changes nothing.
 */
export function applyFix(doc: GraphDocument, nodeId: string, fix: Fix): { doc: GraphDocument; id?: string } {
  if (fix.type === 'setParam') return { doc: setParam(doc, nodeId, fix.param, fix.value) }
  if (fix.type === 'setInputParam') {
    const edge = doc.edges.find((e) => e.target === nodeId && e.targetPort === fix.port)
    return { doc: edge ? setParam(doc, edge.source, fix.param, fix.value) : doc }
  }
  if (!isLayerKind(fix.kind)) return { doc }
  const edge = doc.edges.find((e) => e.target === nodeId && e.targetPort === fix.port)
  const target = doc.nodes.find((n) => n.id === nodeId)
  if (!edge || !target) return { doc }
  const source = doc.nodes.find((n) => n.id === edge.source)
  const a = source?.position ?? target.position ?? { x: 0, y: 0 }
  const b = target.position ?? { x: a.x, y: a.y + 120 }
  const added = addNode(doc, fix.kind, { x: (a.x + b.x) / 2 + 30, y: (a.y + b.y) / 2 }, fix.params)
  const edges = added.doc.edges.filter((e) => !sameEdge(e, edge))
  edges.push({ source: edge.source, target: added.id, targetPort: 0 })
  edges.push({ source: added.id, target: nodeId, targetPort: fix.port })
  return { doc: { ...added.doc, edges }, id: added.id }
}

/** What copy puts on the clipboard: the nodes and the edges between them. */
export interface Clipboard {
  format: 'cnn-studio/clipboard'
  nodes: GraphNode[]
  edges: GraphEdge[]
}

export function copy(doc: GraphDocument, ids: ReadonlySet<string>): Clipboard {
  return {
    format: 'cnn-studio/clipboard',
    nodes: doc.nodes.filter((n) => ids.has(n.id)),
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  }
}

/** Pastes with fresh ids, shifted by `offset`, keeping parameters and inner edges. */
export function paste(
  doc: GraphDocument,
  clip: Clipboard,
  offset: Position,
): { doc: GraphDocument; ids: string[] } {
  const taken = new Set(doc.nodes.map((n) => n.id))
  const rename = new Map<string, string>()
  const nodes = clip.nodes.map((n) => {
    const id = freshId(doc, n.kind, taken)
    taken.add(id)
    rename.set(n.id, id)
    const p = n.position ?? { x: 0, y: 0 }
    return { ...n, id, name: n.name, position: { x: p.x + offset.x, y: p.y + offset.y } }
  })
  const edges = clip.edges.map((e) => ({
    ...e,
    source: rename.get(e.source)!,
    target: rename.get(e.target)!,
  }))
  return {
    doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] },
    ids: [...rename.values()],
  }
}
