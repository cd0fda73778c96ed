import type { z } from 'zod'
import { inferGraph } from '../graph/infer'
import { chain } from '../graph/test-kit'
import type { BlockSpec, Subgraph } from './define-block'

/** Analyses one block of `kind` fed by an Input of h×w×c; `inner` lists the expansion's ids. For tests. */
export function analyseBlock(
  kind: string,
  params: Record<string, unknown>,
  [h, w, c]: [number, number, number],
) {
  const a = inferGraph(
    chain([
      ['in', 'Input', { height: h, width: w, channels: c }],
      ['b', kind, params],
    ]),
  )
  return { node: a.nodes.b, inner: a.nodes.b.inner?.map((k) => k.slice('b/'.length)), analysis: a }
}

/** A block's expansion for a 56×56×c input (throws on an error value). For tests. */
export function expandBlock<S extends z.ZodType>(
  spec: BlockSpec<string, S>,
  params: Record<string, unknown>,
  c: number,
): Subgraph {
  const sub = spec.expand(spec.params.parse(params), [null, 56, 56, c])
  if ('error' in sub) throw new Error(sub.error.message)
  return sub
}

/** The sources feeding `target`, by port. */
export const feeds = (sub: Subgraph, target: string): string[] =>
  sub.edges
    .filter((e) => e.target === target)
    .sort((a, b) => a.targetPort - b.targetPort)
    .map((e) => e.source)
