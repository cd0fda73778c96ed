import { hwc, type Shape } from '../../tensor/shape'
import { fail, ok } from '../define-layer'
import type { ShapeResult } from '../errors'
import { expect4d } from '../inputs'
import { formatPadding, padding, pair, type ActivationName, type Padding, type Pair } from '../params'
import type { OutputFormula } from '../output-formula'
import { formatWindow, windowFormula, windowOutput, type Window } from '../spatial'

/** The sliding-window parameters Conv2D, DepthwiseConv2D and SeparableConv2D share, in form order. */
export const convWindowFields = () => ({
  kernelSize: pair(3).meta({ description: 'Kernel height × width' }),
  strides: pair(1).meta({ description: 'Step between windows, vertical × horizontal' }),
  padding: padding('valid').meta({
    description: "'valid' (none), 'same' (output = ceil(input / stride)) or pixels per side",
  }),
  dilation: pair(1).meta({ description: 'Spacing between kernel taps (atrous convolution)' }),
})

export interface ConvWindowParams {
  kernelSize: Pair
  strides: Pair
  dilation: Pair
  padding: Padding
  activation: ActivationName
}

export const convWindow = (p: ConvWindowParams): Window => ({
  kernel: p.kernelSize,
  strides: p.strides,
  dilation: p.dilation,
  padding: p.padding,
})

/** `64 · 3×3 /2 · same · relu`: what the node card shows. */
export const convSummary = (lead: string, p: ConvWindowParams): string =>
  [lead, formatWindow(convWindow(p)), formatPadding(p.padding)]
    .concat(p.activation === 'linear' ? [] : [p.activation])
    .join(' · ')

/**
 * The output of a convolution kind over the 4-D input `x`: the window's height and width and
 * `channels(inputChannels)` channels, or the error (a flat input, a kernel larger than its input).
 */
export function convShape(
  layer: string,
  p: ConvWindowParams,
  x: Shape,
  channels: (inputChannels: number) => number,
): ShapeResult<Shape> {
  const bad = expect4d(layer, x)
  if (bad) return fail(bad)
  const { h, w, c } = hwc(x)
  const out = windowOutput(convWindow(p), h, w)
  if (out.error) return fail(out.error)
  return ok([null, out.h, out.w, channels(c)])
}

/** The height and width formulas of a convolution kind over `x`; null for a flat input. */
export function convFormula(p: ConvWindowParams, x: Shape): OutputFormula | null {
  if (x.length !== 4) return null
  const { h, w } = hwc(x)
  return windowFormula(convWindow(p), h, w)
}
