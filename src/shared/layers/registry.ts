import type { LayerSpec } from './define-layer'
import { conv2d } from './kinds/conv2d'
import { input } from './kinds/input'

/** Every primitive layer kind, keyed by its `kind`. Add a kind here after writing kinds/<kind>.ts. */
export const LAYERS = {
  Input: input,
  Conv2D: conv2d,
} as const satisfies { [K in string]: LayerSpec<K> }

export type LayerKind = keyof typeof LAYERS
export type AnyLayerSpec = LayerSpec<LayerKind>

export const LAYER_KINDS = Object.keys(LAYERS) as LayerKind[]

export function isLayerKind(kind: string): kind is LayerKind {
  return Object.hasOwn(LAYERS, kind)
}

export function getLayer(kind: string): AnyLayerSpec | undefined {
  return isLayerKind(kind) ? (LAYERS[kind] as unknown as AnyLayerSpec) : undefined
}
