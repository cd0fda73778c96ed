import type { ActivationName, Padding, Pair } from '../../../shared/layers/params'
import { resolvePads, windowOutput } from '../../../shared/layers/spatial'
import { activate } from './activation-fn'
import { softmaxSteps } from './softmax-steps'
import type { Tensor3 } from './tensor3'

/** A Conv2D kernel as the checkpoint holds it: HWIO, values[((ky·kw + kx)·cin + ci)·cout + co]. */
export interface KernelHWIO {
  kh: number
  kw: number
  cin: number
  cout: number
  values: Float32Array
}

export interface ConvParams {
  kernelSize: Pair
  strides: Pair
  dilation: Pair
  padding: Padding
  activation: ActivationName
}

/** One tap of the window: kernel cell (ky, kx) over input pixel (iy, ix), or a padding cell. */
export interface WindowCell {
  ky: number
  kx: number
  iy: number
  ix: number
  padded: boolean
}

/** Everything the convolution view shows for one output pixel of one channel. */
export interface ConvWindow {
  /** The padding actually applied (rows: top/bottom, cols: left/right). */
  pads: { top: number; left: number }
  cells: WindowCell[]
  /** [cell][input channel]: the input under each tap (0 on padding). */
  inputs: number[][]
  /** [cell][input channel]: the kernel slice of the output channel. */
  weights: number[][]
  /** [cell][input channel]: inputs × weights. */
  products: number[][]
  /** Σ products */
  sum: number
  bias: number
  /** sum + bias: the pre-activation. */
  z: number
  /** activation(z): the value in the feature map. */
  activated: number
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string }

function checkShapes(
  input: Tensor3,
  kernel: KernelHWIO,
  bias: Float32Array | null,
  p: ConvParams,
): string | null {
  if (kernel.kh !== p.kernelSize[0] || kernel.kw !== p.kernelSize[1])
    return `The kernel is ${kernel.kh}×${kernel.kw} but the layer's kernelSize is ${p.kernelSize[0]}×${p.kernelSize[1]}: the checkpoint is of another version of the graph. Train the run again or pick the run of this graph.`
  if (kernel.cin !== input.c)
    return `The kernel takes ${kernel.cin} input channels but the input map has ${input.c}: the checkpoint is of another version of the graph.`
  if (kernel.values.length !== kernel.kh * kernel.kw * kernel.cin * kernel.cout)
    return `A ${kernel.kh}×${kernel.kw}×${kernel.cin}×${kernel.cout} kernel holds ${kernel.kh * kernel.kw * kernel.cin * kernel.cout} values; got ${kernel.values.length}.`
  if (bias && bias.length !== kernel.cout)
    return `The bias has ${bias.length} values for ${kernel.cout} output channels.`
  return null
}

/** The taps of the window of output pixel (y, x): TF's padding rules via resolvePads. */
export function windowCells(
  h: number,
  w: number,
  win: { kernel: Pair; strides: Pair; dilation: Pair; padding: Padding },
  y: number,
  x: number,
): { cells: WindowCell[]; pads: { top: number; left: number } } {
  const { rows, cols } = resolvePads(win, h, w)
  const cells: WindowCell[] = []
  for (let ky = 0; ky < win.kernel[0]; ky++)
    for (let kx = 0; kx < win.kernel[1]; kx++) {
      const iy = y * win.strides[0] - rows.before + ky * win.dilation[0]
      const ix = x * win.strides[1] - cols.before + kx * win.dilation[1]
      cells.push({ ky, kx, iy, ix, padded: iy < 0 || iy >= h || ix < 0 || ix >= w })
    }
  return { cells, pads: { top: rows.before, left: cols.before } }
}

/** z of output pixel (y, x) in channel co: Σ over the window and every input channel, plus bias. */
function preActivation(
  input: Tensor3,
  kernel: KernelHWIO,
  bias: Float32Array | null,
  cells: WindowCell[],
  co: number,
) {
  let sum = 0
  for (const cell of cells) {
    if (cell.padded) continue
    const base = (cell.iy * input.w + cell.ix) * input.c
    const k = (cell.ky * kernel.kw + cell.kx) * kernel.cin
    for (let ci = 0; ci < input.c; ci++)
      sum += input.values[base + ci]! * kernel.values[(k + ci) * kernel.cout + co]!
  }
  return { sum, z: sum + (bias ? bias[co]! : 0) }
}

/**
 * The convolution at output pixel (y, x) of channel `co`, with the real numbers: the input window
 * (every input channel), the kernel slice, the element-wise products, their sum, plus the bias = z,
 * then the layer's activation (softmax: over the channels at this pixel, so every channel's z).
 */
export function convWindow(
  input: Tensor3,
  kernel: KernelHWIO,
  bias: Float32Array | null,
  p: ConvParams,
  at: { y: number; x: number; c: number },
  alpha = 0.2,
): Result<ConvWindow> {
  const bad = checkShapes(input, kernel, bias, p)
  if (bad) return { ok: false, error: bad }
  if (at.c < 0 || at.c >= kernel.cout)
    return {
      ok: false,
      error: `Output channel ${at.c} does not exist: the layer has ${kernel.cout} (0…${kernel.cout - 1}).`,
    }
  const win = { kernel: p.kernelSize, strides: p.strides, dilation: p.dilation, padding: p.padding }
  const out = windowOutput(win, input.h, input.w)
  if (out.error) return { ok: false, error: out.error.message }
  if (at.y < 0 || at.x < 0 || at.y >= out.h || at.x >= out.w)
    return {
      ok: false,
      error: `Output pixel (${at.y}, ${at.x}) is outside the ${out.h}×${out.w} feature map.`,
    }
  const { cells, pads } = windowCells(input.h, input.w, win, at.y, at.x)
  const inputs = cells.map((cell) =>
    Array.from({ length: input.c }, (_, ci) =>
      cell.padded ? 0 : input.values[(cell.iy * input.w + cell.ix) * input.c + ci]!,
    ),
  )
  const weights = cells.map((cell) =>
    Array.from(
      { length: input.c },
      (_, ci) => kernel.values[((cell.ky * kernel.kw + cell.kx) * kernel.cin + ci) * kernel.cout + at.c]!,
    ),
  )
  // Padding cells contribute an exact 0 (not −0 from a negative weight).
  const products = inputs.map((row, i) => row.map((v, ci) => (cells[i]!.padded ? 0 : v * weights[i]![ci]!)))
  const { sum, z } = preActivation(input, kernel, bias, cells, at.c)
  const activated =
    p.activation === 'softmax'
      ? softmaxSteps(
          Array.from({ length: kernel.cout }, (_, co) => preActivation(input, kernel, bias, cells, co).z),
        ).probabilities[at.c]!
      : activate(p.activation, z, alpha)
  return {
    ok: true,
    value: { pads, cells, inputs, weights, products, sum, bias: bias ? bias[at.c]! : 0, z, activated },
  }
}
