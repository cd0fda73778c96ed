import type { z } from 'zod'
import type { Palette } from '../layers/define-layer'
import type { LayerError } from '../layers/errors'
import type { LayerKind } from '../layers/registry'
import type { Shape } from '../tensor/shape'

/** The source id that stands for the block's (single) input inside its expansion. */
export const BLOCK_INPUT = '@in'

/** A block's layers: primitive kinds only, wired from BLOCK_INPUT to `output`. */
export interface Subgraph {
  nodes: { id: string; kind: LayerKind; params: Record<string, unknown>; name?: string }[]
  edges: { source: string; target: string; targetPort: number }[]
  output: string
}

/**
 * A composite block: one node in the editor with its own parameters, expanding to primitive layers
 * so that shapes, counts, training and export all go through the layer registry.
 */
export interface BlockSpec<K extends string = string, S extends z.ZodType = z.ZodType> {
  kind: K
  palette: Palette<z.output<S>>
  params: S
  /**
   * The layers for an input of the given shape (the shortcut projection of a residual block depends
   * on the input channels), or an error when the input cannot feed this block.
   */
  expand(p: z.output<S>, input: Shape): Subgraph | { error: LayerError }
}

export function defineBlock<K extends string, S extends z.ZodType>(spec: BlockSpec<K, S>): BlockSpec<K, S> {
  return spec
}
