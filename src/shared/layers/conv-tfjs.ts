import type * as tfjsModule from '@tensorflow/tfjs'
import type { ActivationName, Padding, Pair } from './params'
import { activationLayers, chain, explicitPaddingLayers } from './tfjs-helpers'
import type { Tfjs, TfjsBuildCtx, TfLayer } from './tfjs-types'

export const mutablePair = (p: Pair): [number, number] => [p[0], p[1]]

/**
 * A convolution kind as TF.js layers: ZeroPadding2D first when the padding is explicit, then the
 * convolution (named after the node), then the activation when it is not linear.
 */
export function convToTfjs(
  tf: Tfjs,
  p: { padding: Padding; activation: ActivationName },
  ctx: TfjsBuildCtx,
  make: (padding: 'valid' | 'same') => tfjsModule.layers.Layer,
): TfLayer {
  const { pre, mode } = explicitPaddingLayers(tf, p.padding, ctx.name)
  return chain(...pre, make(mode), ...activationLayers(tf, p.activation, `${ctx.name}__act`))
}
