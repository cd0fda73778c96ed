import { useRef } from 'react'
import type { Subgraph } from '../../shared/blocks/define-block'
import type { GraphDocument, GraphNode } from '../../shared/graph/document'
import type { GraphAnalysis } from '../../shared/graph/infer'
import { analyse } from '../store/analysis'
import { useDocument } from '../store/document-store'

/*
 * What the canvas's node and edge lists read of the document and its analysis, each as a value that
 * stays the same object while what it says stays the same. A parameter edit then changes none of
 * them: the canvas does not re-render and neither list is rebuilt (the cards and edge labels read
 * their shapes by id). Only a move, a selection, a block's layers or a connection turning red
 * rebuilds a list.
 */

/** Same ids in the same order, same positions and expansion flags: all the node list reads. */
export function samePlacement(a: readonly GraphNode[], b: readonly GraphNode[]): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    if (x === y) continue
    if (x.id !== y.id || x.expanded !== y.expanded) return false
    if (x.position?.x !== y.position?.x || x.position?.y !== y.position?.y) return false
  }
  return true
}

/** The layers of each expanded block the analysis could expand, by the block's id. */
export function expandedLayers(nodes: readonly GraphNode[], analysis: GraphAnalysis): Map<string, Subgraph> {
  const out = new Map<string, Subgraph>()
  for (const n of nodes) {
    const sub = n.expanded ? analysis.nodes[n.id]?.expansion : undefined
    if (sub) out.set(n.id, sub)
  }
  return out
}

/** The same blocks with the same layers (a fresh analysis makes fresh but equal subgraphs). */
export function sameLayers(a: ReadonlyMap<string, Subgraph>, b: ReadonlyMap<string, Subgraph>): boolean {
  if (a.size !== b.size) return false
  for (const [id, sub] of a) {
    const other = b.get(id)
    if (!other || (other !== sub && JSON.stringify(other) !== JSON.stringify(sub))) return false
  }
  return true
}

const failingByAnalysis = new WeakMap<GraphAnalysis, string>()

/**
 * The inputs whose connection is drawn red, as `target:port` lines: the port of each node in error
 * (port 0 where the error names none). One string, so that an equal set compares equal.
 */
export function failingPorts(analysis: GraphAnalysis): string {
  let key = failingByAnalysis.get(analysis)
  if (key === undefined) {
    const lines: string[] = []
    for (const id of analysis.order) {
      const n = analysis.nodes[id]
      if (n?.status === 'error') lines.push(`${id}:${n.error?.port ?? 0}`)
    }
    key = lines.join('\n')
    failingByAnalysis.set(analysis, key)
  }
  return key
}

/** A selection from the document store that stays the previous object while `same` holds. */
function useDocumentValue<T>(select: (doc: GraphDocument) => T, same: (a: T, b: T) => boolean): T {
  const last = useRef<{ value: T } | null>(null)
  return useDocument((s) => {
    const value = select(s.doc)
    if (last.current && same(last.current.value, value)) return last.current.value
    last.current = { value }
    return value
  })
}

/** The document's nodes, as the previous array while no id, position or expansion changed. */
export const usePlacedNodes = (): readonly GraphNode[] => useDocumentValue((d) => d.nodes, samePlacement)

/** The layers of the expanded blocks, the previous map while they are the same. */
export const useExpandedLayers = (): ReadonlyMap<string, Subgraph> =>
  useDocumentValue((d) => expandedLayers(d.nodes, analyse(d)), sameLayers)

/** The set of red connections as one string: see `failingPorts`. */
export const useFailingPorts = (): string => useDocument((s) => failingPorts(analyse(s.doc)))
