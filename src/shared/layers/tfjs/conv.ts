import type * as tfjsModule from '@tensorflow/tfjs'
import { hwc, type Shape } from '../../tensor/shape'
import type { ActivationName, Padding, Pair } from '../params'
import { resolvePads } from '../spatial'
import { activationLayers, chain, explicitPaddingLayers } from './helpers'
import type { Tfjs, TfjsBuildCtx, TfLayer } from './types'

export const mutablePair = (p: Pair): [number, number] => [p[0], p[1]]

interface ConvWindowTfjs {
  kernelSize: Pair
  strides: Pair
  dilation: Pair
  padding: Padding
  activation: ActivationName
}

/**
 * Explicit padding that is exactly what 'same' would add (LeNet's 5×5 with pad 2) is 'same'. The
 * padding the TF.js layer gets: a ZeroPadding2D goes before it when this is still explicit and
 * not all zero (see also main/model/weight-order.ts, which counts those layers).
 */
export function asSame(p: Omit<ConvWindowTfjs, 'activation'>, inputShape: Shape): Padding {
  if (typeof p.padding === 'string') return p.padding
  const { h, w } = hwc(inputShape)
  const same = resolvePads(
    { kernel: p.kernelSize, strides: p.strides, dilation: p.dilation, padding: 'same' },
    h,
    w,
  )
  const { top, bottom, left, right } = p.padding
  return same.rows.before === top &&
    same.rows.after === bottom &&
    same.cols.before === left &&
    same.cols.after === right
    ? 'same'
    : p.padding
}

/**
 * A convolution kind as TF.js layers: ZeroPadding2D first when the padding is explicit (and not
 * just 'same'), then the convolution (named after the node), then the activation when not linear.
 */
export function convToTfjs(
  tf: Tfjs,
  p: ConvWindowTfjs,
  ctx: TfjsBuildCtx,
  make: (padding: 'valid' | 'same') => tfjsModule.layers.Layer,
): TfLayer {
  const { pre, mode } = explicitPaddingLayers(tf, asSame(p, ctx.inputShapes[0]), ctx.name)
  return chain(...pre, make(mode), ...activationLayers(tf, p.activation, `${ctx.name}__act`))
}
