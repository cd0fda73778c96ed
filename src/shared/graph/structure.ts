import type { LayerError } from '../layers/errors'
import { stronglyConnected } from './strongly-connected'

export interface NodeLike {
  id: string
  kind: string
  name?: string
  params: Record<string, unknown>
}
export interface EdgeLike {
  source: string
  target: string
  targetPort: number
}

export interface Structure {
  byId: Map<string, NodeLike>
  /** Per node, the source id feeding each input port (undefined where nothing is connected). */
  incoming: Map<string, (string | undefined)[]>
  /** Topological order; nodes on or behind a cycle come last. */
  order: string[]
  /** Wiring errors: missing, extra or doubled inputs, dangling sources, cycles. */
  errors: Map<string, LayerError>
  documentErrors: string[]
}

const label = (n: NodeLike): string => `'${n.name ?? n.id}'`

/**
 * The wiring of a graph: which source feeds which port, and the order to analyse nodes in.
 * `inputCount` is undefined for a node whose kind or parameters are invalid (its ports are
 * then taken from its edges); `variadic` says whether a node's number of inputs is its `inputs`
 * parameter (Add, Concat), which the messages then offer to change; `isExternal` names sources
 * outside the graph (a block's input).
 */
export function structure(
  nodes: readonly NodeLike[],
  edges: readonly EdgeLike[],
  inputCount: (id: string) => number | undefined,
  variadic: (id: string) => boolean,
  isExternal: (id: string) => boolean,
): Structure {
  const byId = new Map<string, NodeLike>()
  const documentErrors: string[] = []
  for (const n of nodes) {
    if (byId.has(n.id)) documentErrors.push(`Two nodes have the id '${n.id}'; the second is ignored.`)
    else byId.set(n.id, n)
  }
  const errors = new Map<string, LayerError>()
  const setError = (id: string, e: LayerError) => {
    if (!errors.has(id)) errors.set(id, e)
  }
  const incoming = new Map<string, (string | undefined)[]>()
  const outgoing = new Map<string, string[]>()
  for (const id of byId.keys()) {
    incoming.set(id, new Array(inputCount(id) ?? 0).fill(undefined))
    outgoing.set(id, [])
  }

  for (const e of edges) {
    const target = byId.get(e.target)
    if (!target) {
      documentErrors.push(
        `A connection from '${e.source}' goes to '${e.target}', which does not exist; it is ignored.`,
      )
      continue
    }
    const ports = incoming.get(e.target)!
    const count = inputCount(e.target)
    const external = isExternal(e.source)
    if (!external && !byId.has(e.source)) {
      setError(e.target, {
        message: `Input ${e.targetPort + 1} of ${label(target)} comes from '${e.source}', which does not exist. Reconnect it.`,
        port: e.targetPort,
      })
      continue
    }
    if (count !== undefined && e.targetPort >= count) {
      setError(e.target, {
        message:
          count === 0
            ? `${label(target)} (${target.kind}) takes no input, but one is connected. Remove the connection.`
            : `${label(target)} (${target.kind}) takes ${count} input${count > 1 ? 's' : ''}, but input ${e.targetPort + 1} is connected. Remove the extra connection${variadic(e.target) ? ` or raise 'inputs' to ${e.targetPort + 1}` : ''}.`,
        port: e.targetPort,
        param: variadic(e.target) ? 'inputs' : undefined,
      })
    } else if (ports[e.targetPort] !== undefined) {
      setError(e.target, {
        message: `Input ${e.targetPort + 1} of ${label(target)} is connected twice (from '${ports[e.targetPort]}' and '${e.source}'). Remove one connection${variadic(e.target) ? ' or move it to a free input' : ''}.`,
        port: e.targetPort,
      })
    } else {
      ports[e.targetPort] = e.source
    }
    if (!external) outgoing.get(e.source)!.push(e.target)
  }

  for (const [id, ports] of incoming) {
    const missing = ports.findIndex((p) => p === undefined)
    if (missing < 0) continue
    const n = byId.get(id)!
    setError(id, {
      message:
        ports.length === 1
          ? `${label(n)} (${n.kind}) has no input, so no path from an Input reaches it. Connect it to a layer that leads from an Input.`
          : `Input ${missing + 1} of ${ports.length} of ${label(n)} (${n.kind}) is not connected. Connect a layer to it${variadic(id) ? ` or lower 'inputs' to ${ports.length - 1}` : ''}.`,
      port: missing,
    })
  }

  const order = topologicalOrder(byId, incoming, outgoing, isExternal)
  if (order.length < byId.size) markCycles(byId, outgoing, new Set(order), order, setError)
  return { byId, incoming, order, errors, documentErrors }
}

function topologicalOrder(
  byId: Map<string, NodeLike>,
  incoming: Map<string, (string | undefined)[]>,
  outgoing: Map<string, string[]>,
  isExternal: (id: string) => boolean,
): string[] {
  const indegree = new Map<string, number>()
  for (const [id, ports] of incoming) {
    let d = 0
    for (const src of ports) if (src !== undefined && !isExternal(src)) d++
    indegree.set(id, d)
  }
  // Extra connections (beyond a node's ports) are not in `incoming` but are in `outgoing`: count
  // them too, so that a cycle through an extra connection is still found.
  for (const [id, targets] of outgoing)
    for (const t of targets) if (!incoming.get(t)!.includes(id)) indegree.set(t, indegree.get(t)! + 1)
  // Keep the document's order when it is already topological (as a summary lists layers in the
  // order they were defined); otherwise Kahn's algorithm, seeded in document order.
  const position = new Map([...byId.keys()].map((id, i) => [id, i]))
  let sorted = true
  for (const [id, targets] of outgoing)
    for (const t of targets) if (position.get(t)! <= position.get(id)!) sorted = false
  if (sorted) return [...byId.keys()]
  const order: string[] = []
  for (const [id, d] of indegree) if (d === 0) order.push(id)
  for (let i = 0; i < order.length; i++) {
    for (const t of outgoing.get(order[i])!) {
      const d = indegree.get(t)! - 1
      indegree.set(t, d)
      if (d === 0) order.push(t)
    }
  }
  return order
}

/** Puts an error on each node of a cycle (naming the cycle) and appends the rest, as unknown. */
function markCycles(
  byId: Map<string, NodeLike>,
  outgoing: Map<string, string[]>,
  done: Set<string>,
  order: string[],
  setError: (id: string, e: LayerError) => void,
): void {
  const rest = [...byId.keys()].filter((id) => !done.has(id))
  const restSet = new Set(rest)
  for (const component of stronglyConnected(rest, (id) => outgoing.get(id)!.filter((t) => restSet.has(t)))) {
    const cyclic = component.length > 1 || outgoing.get(component[0])!.includes(component[0])
    if (!cyclic) continue
    const names = component.map((id) => byId.get(id)!.name ?? id)
    const path = [...names, names[0]].join(' → ')
    for (const id of component)
      setError(id, {
        message: `This layer is on a cycle (${path}). Networks must be acyclic: remove one of these connections.`,
      })
  }
  order.push(...rest)
}
