import type { Edge, Node } from '@xyflow/react'

/*
 * The canvas derives React Flow's nodes and edges from the document on every change, so each
 * render makes fresh objects. React Flow re-adopts every node object it has not seen before, and a
 * re-adopted node without `measured` loses its handle bounds, which makes `onlyRenderVisibleElements`
 * mount it again to measure it: on a 500-node graph every edit and drag frame mounted 500 cards.
 * So the canvas hands React Flow the previous object wherever nothing it reads has changed, and a
 * node that did change carries the size React Flow measured for it.
 */

type Size = { width: number; height: number }

/**
 * Equal own values, one level deep (a position, `data` or `style` compares by its fields), leaving
 * out the key `skip`. No copies: it runs for every node on every drag frame.
 */
function sameValues(a: object, b: object, depth: number, skip?: string): boolean {
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  let count = 0
  for (const k in x) {
    if (k === skip || !Object.hasOwn(x, k)) continue
    count++
    const u = x[k]
    const v = y[k]
    if (u === v) continue
    if (depth === 0 || !u || !v || typeof u !== 'object' || typeof v !== 'object') return false
    if (!sameValues(u, v, depth - 1)) return false
  }
  for (const k in y) if (k !== skip && Object.hasOwn(y, k)) count--
  return count === 0
}

/** Without `measured`: React Flow keeps its own measurement of an object it already holds. */
const sameElement = (a: Node | Edge, b: Node | Edge): boolean => sameValues(a, b, 1, 'measured')

/**
 * `next`, with each element replaced by the previous one of the same id where they are equal; the
 * previous array itself when every element and the order are unchanged. `adopt` gives each element
 * that is not kept its final form.
 */
export function keepIdentity<T extends Node | Edge>(prev: T[], next: T[], adopt = (e: T): T => e): T[] {
  const byId = new Map(prev.map((e) => [e.id, e]))
  let changed = prev.length !== next.length
  const out = next.map((e, i) => {
    const old = byId.get(e.id)
    const kept = old && sameElement(old, e) ? old : adopt(e)
    if (kept !== prev[i]) changed = true
    return kept
  })
  return changed ? out : prev
}

/** One canvas's previous nodes and edges, and the sizes React Flow measured for its nodes. */
export class StableElements {
  private nodes: Node[] = []
  private edges: Edge[] = []
  private innerEdges: Edge[] = []
  private readonly sizes = new Map<string, Size>()

  /** Records a size React Flow measured (its `dimensions` node change). */
  measured(id: string, size: Size): void {
    this.sizes.set(id, size)
  }

  keepNodes(next: Node[]): Node[] {
    if (this.sizes.size > next.length) {
      const ids = new Set(next.map((n) => n.id))
      for (const id of this.sizes.keys()) if (!ids.has(id)) this.sizes.delete(id)
    }
    return (this.nodes = keepIdentity(this.nodes, next, (n) => {
      const size = this.sizes.get(n.id)
      return size && !n.measured ? { ...n, measured: size } : n
    }))
  }

  keepEdges(next: Edge[]): Edge[] {
    return (this.edges = keepIdentity(this.edges, next))
  }

  /** The edges inside expanded blocks: the same array while they stay, so a move redraws no edge. */
  keepInnerEdges(next: Edge[]): Edge[] {
    return (this.innerEdges = keepIdentity(this.innerEdges, next))
  }
}
