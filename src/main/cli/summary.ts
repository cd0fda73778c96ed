import type { GraphDocument } from '../../shared/graph/document'
import { inferGraph, type NodeAnalysis } from '../../shared/graph/infer'
import type { Shape } from '../../shared/tensor/shape'

export interface SummaryNode {
  id: string
  name: string
  kind: string
  outputShape: Shape | null
  params: { trainable: number; nonTrainable: number } | null
  macs: number | null
  error: string | null
  /** A size no backend can build (shared/graph/size-limits.ts); the node keeps its numbers. */
  warning: string | null
  /** 1 for a layer inside an expanded block. */
  depth: number
}

/** The `inspect --json` object: what `model.summary()` shows, for every node in topological order. */
export interface Summary {
  nodes: SummaryNode[]
  totals: { trainable: number; nonTrainable: number; macs: number; activationBytes: number }
  errors: { nodeId: string; message: string }[]
  documentErrors: string[]
  /** nodeId null: the totals' own warning. */
  warnings: { nodeId: string | null; message: string }[]
}

export function summarise(doc: GraphDocument, expand: boolean): Summary {
  const a = inferGraph(doc)
  const names = new Map(doc.nodes.map((n) => [n.id, n.name ?? n.id]))
  const row = (n: NodeAnalysis, name: string, depth: number): SummaryNode => ({
    id: n.id,
    name,
    kind: n.kind,
    outputShape: n.outputShape,
    params: n.params,
    macs: n.macs,
    error: n.error?.message ?? null,
    warning: n.warning?.message ?? null,
    depth,
  })
  const nodes: SummaryNode[] = []
  for (const id of a.order) {
    const n = a.nodes[id]
    nodes.push(row(n, names.get(id)!, 0))
    if (expand && n.inner)
      for (const key of n.inner) nodes.push(row(a.inner[key], key.slice(id.length + 1), 1))
  }
  return {
    nodes,
    totals: a.totals,
    errors: a.errors.map((e) => ({ nodeId: e.nodeId, message: e.message })),
    documentErrors: a.documentErrors,
    warnings: a.warnings,
  }
}
