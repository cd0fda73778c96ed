import type { GraphDiff, NodeChange, ParamChange } from '../../shared/graph/diff'
import type { GraphEdge, GraphNode } from '../../shared/graph/document'
import { resolveKind } from '../../shared/graph/kinds'

/** A parameter value as the inspector would show it: `5×5` for pairs, `–` where there is none. */
export function formatValue(v: unknown): string {
  if (v === undefined) return '–'
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v.join('×')
  if (typeof v === 'string') return v
  return JSON.stringify(v)
}

export const kindLabel = (kind: string): string => resolveKind(kind)?.spec.palette.label ?? kind

/** `Conv2D conv1`: a node by its kind and its name (or id). */
export const nodeText = (n: GraphNode): string => `${kindLabel(n.kind)} ${n.name ?? n.id}`

/** `filters 8 → 16`. */
export const paramText = (c: ParamChange): string =>
  `${c.param} ${formatValue(c.before)} → ${formatValue(c.after)}`

/** Every change of a node: its kind, then each parameter. */
export const changeTexts = (c: NodeChange): string[] => [
  ...(c.kind ? [`kind ${kindLabel(c.kind.before)} → ${kindLabel(c.kind.after)}`] : []),
  ...c.params.map(paramText),
]

export const edgeText = (e: GraphEdge): string =>
  `${e.source} → ${e.target}${e.targetPort > 0 ? ` (input ${e.targetPort + 1})` : ''}`

/** `3 layers added, 1 removed`: the first count names what it counts, the others follow it. */
function counted(one: string, many: string, parts: [number, string][]): string {
  return parts
    .filter(([n]) => n > 0)
    .map(([n, verb], i) => (i === 0 ? `${n} ${n === 1 ? one : many} ${verb}` : `${n} ${verb}`))
    .join(', ')
}

/** `1 layer added, 1 changed · 2 connections added, 1 removed`: the diff in one line. */
export function diffSummary(d: GraphDiff): string {
  const nodes = counted('layer', 'layers', [
    [d.added.length, 'added'],
    [d.removed.length, 'removed'],
    [d.changed.length, 'changed'],
  ])
  const edges = counted('connection', 'connections', [
    [d.edgesAdded.length, 'added'],
    [d.edgesRemoved.length, 'removed'],
  ])
  return [nodes, edges].filter(Boolean).join(' · ')
}
