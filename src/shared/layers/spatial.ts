import { effectiveKernel, outputLength, outputLengthCeil, samePads, type AxisPads } from '../tensor/conv-math'
import type { LayerError } from './errors'
import { formatPair, type Padding, type Pair } from './params'

export interface Window {
  kernel: Pair
  strides: Pair
  dilation: Pair
  padding: Padding
  ceilMode?: boolean
}

/** The padding actually applied on each side for an input of h×w. */
export function resolvePads(win: Window, h: number, w: number): { rows: AxisPads; cols: AxisPads } {
  const { kernel, strides, dilation, padding } = win
  let rows: AxisPads
  let cols: AxisPads
  if (padding === 'valid') {
    rows = { before: 0, after: 0 }
    cols = { before: 0, after: 0 }
  } else if (padding === 'same') {
    rows = samePads(h, kernel[0], strides[0], dilation[0])
    cols = samePads(w, kernel[1], strides[1], dilation[1])
  } else {
    rows = { before: padding.top, after: padding.bottom }
    cols = { before: padding.left, after: padding.right }
  }
  return { rows, cols }
}

/**
 * Output height and width of a sliding window (convolution or pooling) over h×w, or an error that
 * quotes the numbers and proposes padding 'same'.
 */
export function windowOutput(
  win: Window,
  h: number,
  w: number,
): { h: number; w: number; error?: undefined } | { error: LayerError } {
  const { kernel, strides, dilation, padding, ceilMode } = win
  const { rows, cols } = resolvePads(win, h, w)
  const len = ceilMode && padding !== 'same' ? outputLengthCeil : outputLength
  const outH = len(h, kernel[0], strides[0], dilation[0], rows)
  const outW = len(w, kernel[1], strides[1], dilation[1], cols)
  if (outH >= 1 && outW >= 1) return { h: outH, w: outW }

  const ek: Pair = [effectiveKernel(kernel[0], dilation[0]), effectiveKernel(kernel[1], dilation[1])]
  const padded: Pair = [h + rows.before + rows.after, w + cols.before + cols.after]
  const dil = dilation[0] > 1 || dilation[1] > 1 ? ` (dilated to ${formatPair(ek)})` : ''
  const padText = typeof padding === 'string' ? `'${padding}'` : `padded to ${formatPair(padded)}`
  return {
    error: {
      message:
        `kernel ${formatPair(kernel)}${dil} > input ${h}×${w} with padding ${padText}: ` +
        `output would be ${outH}×${outW}. Use padding 'same' or a smaller kernel.`,
      param: 'kernelSize',
      fix: { type: 'setParam', label: "Set padding to 'same'", param: 'padding', value: 'same' },
    },
  }
}

export function formatWindow(win: Window): string {
  const parts = [formatPair(win.kernel)]
  if (win.strides[0] !== 1 || win.strides[1] !== 1)
    parts[0] += win.strides[0] === win.strides[1] ? ` /${win.strides[0]}` : ` /${formatPair(win.strides)}`
  if (win.dilation[0] !== 1 || win.dilation[1] !== 1) parts.push(`dil ${formatPair(win.dilation)}`)
  return parts.join(' · ')
}
