import type { GraphDocument } from '../../../shared/graph/document'
import { expandDocument } from '../../../shared/graph/expand'
import { resolveKind } from '../../../shared/graph/kinds'
import { parseParams } from '../../../shared/graph/parse-params'
import type { GraphAnalysis } from '../../../shared/graph/infer'

/** What the node view needs to know about a node of the graph (a document node or a `block/inner` one). */
export interface NodeInfo {
  id: string
  name: string
  kind: string
  label: string
  /** Parsed parameters with their defaults (null when they do not parse). */
  params: Record<string, unknown> | null
  /** The node feeding its first input (in the expanded graph), if any. */
  inputId: string | null
  /** A block's inner node ids (`block/inner`), in order; empty for a layer. */
  inner: string[]
}

/** Looks a node up in the document expanded as training expands it, so inner ids resolve too. */
export function nodeInfo(doc: GraphDocument, analysis: GraphAnalysis, id: string): NodeInfo | null {
  const inner = analysis.nodes[id]?.inner ?? []
  const expanded = expandDocument(doc, analysis)
  const node = doc.nodes.find((n) => n.id === id) ?? expanded.nodes.find((n) => n.id === id)
  if (!node) return null
  const resolved = resolveKind(node.kind)
  const parsed = resolved ? parseParams(resolved.spec.params, node.params) : null
  const feeding = expanded.edges.find((e) => e.target === (inner[0] ?? id) && e.targetPort === 0)
  return {
    id,
    name: node.name ?? node.id,
    kind: node.kind,
    label: resolved?.spec.palette.label ?? node.kind,
    params: parsed && parsed.error === undefined ? (parsed.value as Record<string, unknown>) : null,
    inputId: feeding?.source ?? null,
    inner,
  }
}

const CONV_KINDS = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D'])

/**
 * Grad-CAM's layer choices: nodes with a 3-D output (h × w × c), in graph order, with the last
 * convolution (the service's default) marked.
 */
export function camLayers(
  doc: GraphDocument,
  analysis: GraphAnalysis,
  shapes: Record<string, { shape: number[] }>,
): { choices: { id: string; name: string }[]; lastConv: string | null } {
  const expanded = expandDocument(doc, analysis)
  const order = expanded.nodes.filter((n) => shapes[n.id]?.shape.length === 3)
  const lastConv = [...order].reverse().find((n) => CONV_KINDS.has(n.kind))?.id ?? null
  return { choices: order.map((n) => ({ id: n.id, name: n.name ?? n.id })), lastConv }
}
