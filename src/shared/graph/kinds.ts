import { getBlock, type AnyBlockSpec } from '../blocks/registry'
import { getLayer, LAYER_KINDS, type AnyLayerSpec } from '../layers/registry'
import { BLOCK_KINDS } from '../blocks/registry'

export type ResolvedKind = { type: 'layer'; spec: AnyLayerSpec } | { type: 'block'; spec: AnyBlockSpec }

/** Looks a node's kind up in the layer registry, then the block registry. */
export function resolveKind(kind: string): ResolvedKind | undefined {
  const layer = getLayer(kind)
  if (layer) return { type: 'layer', spec: layer }
  const block = getBlock(kind)
  if (block) return { type: 'block', spec: block }
  return undefined
}

export const ALL_KINDS: readonly string[] = [...LAYER_KINDS, ...BLOCK_KINDS]
