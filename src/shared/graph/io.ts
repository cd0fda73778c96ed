import { getLayer } from '../layers/registry'
import type { GraphNode } from './document'
import { parseParams } from './parse-params'

/** The images an Input takes. */
export interface InputSize {
  height: number
  width: number
  channels: number
}

/** The graph's data contract: what its Input takes and how many classes its Output predicts. */
export interface GraphIo {
  input: InputSize
  classes: number
}

/** The contract as far as the graph states it: null where it does not (yet). */
export interface GraphIoGuess {
  input: InputSize | null
  classes: number | null
}

/**
 * The parameters of the only node of a kind, with the kind's defaults; null without exactly one
 * such node or when its parameters do not parse. Input and Output are layers, never inside a block,
 * so a document and its expansion say the same.
 */
function onlyParams<T>(
  nodes: readonly Pick<GraphNode, 'kind' | 'params'>[],
  kind: 'Input' | 'Output',
): T | null {
  let found: Pick<GraphNode, 'kind' | 'params'> | null = null
  for (const n of nodes)
    if (n.kind === kind) {
      if (found) return null
      found = n
    }
  const spec = getLayer(kind)
  if (!found || !spec) return null
  const parsed = parseParams(spec.params, found.params)
  return parsed.error ? null : (parsed.value as T)
}

/**
 * The graph's data contract, read from its nodes: the Input's height, width and channels and the
 * Output's classes. Each is null where the graph does not say: no such node, two of them, or
 * parameters that do not parse. Preflight (training, export) and the training panel both read it here.
 */
export function graphIo(nodes: readonly Pick<GraphNode, 'kind' | 'params'>[]): GraphIoGuess {
  return {
    input: onlyParams<InputSize>(nodes, 'Input'),
    classes: onlyParams<{ classes: number }>(nodes, 'Output')?.classes ?? null,
  }
}
