import type { LayerSpec } from './define-layer'
import { activationLayer } from './kinds/activation'
import { add } from './kinds/add'
import { avgPool2d } from './kinds/avg-pool2d'
import { batchNorm } from './kinds/batch-norm'
import { concat } from './kinds/concat'
import { conv2d } from './kinds/conv2d'
import { dense } from './kinds/dense'
import { depthwiseConv2d } from './kinds/depthwise-conv2d'
import { dropout } from './kinds/dropout'
import { flatten } from './kinds/flatten'
import { globalAvgPool2d } from './kinds/global-avg-pool2d'
import { globalMaxPool2d } from './kinds/global-max-pool2d'
import { input } from './kinds/input'
import { localResponseNorm } from './kinds/local-response-norm'
import { maxPool2d } from './kinds/max-pool2d'
import { output } from './kinds/output'
import { separableConv2d } from './kinds/separable-conv2d'
import { zeroPadding2d } from './kinds/zero-padding2d'

/** Every primitive layer kind, keyed by its `kind`, in palette order. */
export const LAYERS = {
  Input: input,
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  MaxPool2D: maxPool2d,
  AvgPool2D: avgPool2d,
  GlobalAvgPool2D: globalAvgPool2d,
  GlobalMaxPool2D: globalMaxPool2d,
  BatchNorm: batchNorm,
  LocalResponseNorm: localResponseNorm,
  Dropout: dropout,
  Activation: activationLayer,
  Add: add,
  Concat: concat,
  ZeroPadding2D: zeroPadding2d,
  Flatten: flatten,
  Dense: dense,
  Output: output,
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
