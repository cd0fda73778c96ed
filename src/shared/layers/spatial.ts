import { effectiveKernel, outputLength, outputLengthCeil, samePads, type AxisPads } from '../tensor/conv-math'
import type { LayerError } from './errors'
import { num, type OutputFormula } from './output-formula'
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
 * quotes the numbers, the formula of each axis that comes out ≤ 0, and proposes padding 'same'.
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
  const [fh, fw] = [axisFormula(win, 0, h, rows), axisFormula(win, 1, w, cols)]
  // One formula for both axes where they read the same but for the name (a square window and input).
  const same = fh.lines[0].slice('height'.length) === fw.lines[0].slice('width'.length)
  const why =
    outH < 1 && outW < 1 && same
      ? [`height and width${fh.lines[0].slice('height'.length)}`]
      : [fh, fw].filter((a) => a.out < 1).flatMap((a) => a.lines)
  return {
    error: {
      message:
        `kernel ${formatPair(kernel)}${dil} > input ${h}×${w} with padding ${padText}: ` +
        `output would be ${num(outH)}×${num(outW)} (${why.join('; ')}). Use padding 'same' or a smaller kernel.`,
      param: 'kernelSize',
      fix: { type: 'setParam', label: "Set padding to 'same'", param: 'padding', value: 'same' },
    },
  }
}

const FLOOR_RULE = 'out = ⌊(in + pad_before + pad_after − dilation·(kernel−1) − 1) / stride⌋ + 1'
const CEIL_RULE =
  'out = ⌈(in + pad_before + pad_after − dilation·(kernel−1) − 1) / stride⌉ + 1, less 1 where the last window would start in the trailing padding'
const SAME_RULE =
  "out = ⌈in / stride⌉ (TensorFlow's 'same'); pad_total = max((out−1)·stride + dilation·(kernel−1) + 1 − in, 0): ⌊pad_total/2⌋ before, the rest after"

/** The output size of a window over h×w as formulas: the rule, then each axis with its numbers. */
export function windowFormula(win: Window, h: number, w: number): OutputFormula {
  const { rows, cols } = resolvePads(win, h, w)
  const rule = win.padding === 'same' ? SAME_RULE : win.ceilMode ? CEIL_RULE : FLOOR_RULE
  return { rule, lines: [...axisFormula(win, 0, h, rows).lines, ...axisFormula(win, 1, w, cols).lines] }
}

const AXES = [
  { name: 'height', before: 'top', after: 'bottom' },
  { name: 'width', before: 'left', after: 'right' },
] as const

/**
 * One axis of `windowFormula`: the same conv-math functions that give the shape give the number
 * after `=`, so the text cannot disagree with the shape.
 */
function axisFormula(win: Window, axis: 0 | 1, n: number, pads: AxisPads): { out: number; lines: string[] } {
  const k = win.kernel[axis]
  const s = win.strides[axis]
  const d = win.dilation[axis]
  const { name, before, after } = AXES[axis]
  const indent = ' '.repeat(name.length + 2)
  if (win.padding === 'same') {
    const out = Math.ceil(n / s)
    const total = pads.before + pads.after
    return {
      out,
      lines: [
        `${name}: out = ⌈${n} / ${s}⌉ = ${out}`,
        `${indent}pad_total = max((${out}−1)·${s} + ${d}·(${k}−1) + 1 − ${n}, 0) = ${total}: ` +
          `${pads.before} ${before}, ${pads.after} ${after}`,
      ],
    }
  }
  const inner = `(${n} + ${pads.before} + ${pads.after} − ${d}·(${k}−1) − 1) / ${s}`
  if (!win.ceilMode) {
    const out = outputLength(n, k, s, d, pads)
    return { out, lines: [`${name}: out = ⌊${inner}⌋ + 1 = ${num(out)}`] }
  }
  const out = outputLengthCeil(n, k, s, d, pads)
  const raw = Math.ceil((n + pads.before + pads.after - effectiveKernel(k, d)) / s) + 1
  const less = raw === out ? '' : ` − 1`
  const why = raw === out ? '' : ` (the last window would start in the ${after} padding)`
  return { out, lines: [`${name}: out = ⌈${inner}⌉ + 1${less} = ${num(out)}${why}`] }
}

export function formatWindow(win: Window): string {
  const parts = [formatPair(win.kernel)]
  if (win.strides[0] !== 1 || win.strides[1] !== 1)
    parts[0] += win.strides[0] === win.strides[1] ? ` /${win.strides[0]}` : ` /${formatPair(win.strides)}`
  if (win.dilation[0] !== 1 || win.dilation[1] !== 1) parts.push(`dil ${formatPair(win.dilation)}`)
  return parts.join(' · ')
}
