import type { ParamCount } from '../layers/define-layer'
import { elementsPerSample, type Shape } from '../tensor/shape'

/**
 * Sizes no backend can build: warnings the analysis derives (never stored), shown by the editor and
 * `cnn-studio inspect`, and refused by checkBuildable before TF.js is asked (where they would end in
 * "Invalid typed array length" or a wasm "memory access out of bounds").
 */

/**
 * Most elements one tensor may hold: TF.js indexes with 32-bit integers (its wasm backend, WebGL,
 * WebGPU), and 2^31 float32s are 8 GiB, twice the wasm heap.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 31

/** Beyond this, counts are no longer exact integers in JavaScript. */
export const MAX_EXACT_COUNT = Number.MAX_SAFE_INTEGER

/** `3.14 G`: three significant digits and an SI suffix, for numbers far beyond any table's width. */
export function approxCount(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  const units: [number, string][] = [
    [1e15, 'P'],
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ]
  for (const [value, suffix] of units)
    if (Math.abs(n) >= value) {
      const scaled = n / value
      return scaled >= 1000 ? `${n.toExponential(2)}` : `${scaled.toPrecision(3)} ${suffix}`
    }
  return String(n)
}

const LIMIT = `2^31 (${approxCount(MAX_TENSOR_ELEMENTS)}) elements, the most one tensor can hold`

/** A size no backend can build: the whole message, and a few words for a node card. */
export interface SizeWarning {
  message: string
  short: string
}

/**
 * The warning of one layer, or null: its output at batch 1, or its weights, beyond what one tensor
 * can hold, or a count that is not finite. The weights are checked as one number (every weight of
 * the layer), which bounds its largest tensor from above and says the same thing to the user.
 */
export function layerSizeWarning(outputShape: Shape, params: ParamCount, macs: number): SizeWarning | null {
  const out = elementsPerSample(outputShape)
  const weights = params.trainable + params.nonTrainable
  if (![out, weights, macs].every(Number.isFinite))
    return {
      message:
        'Its sizes overflow (they are not finite numbers): this layer cannot be built. Use far fewer filters or units, or a smaller input.',
      short: 'sizes overflow',
    }
  if (out > MAX_TENSOR_ELEMENTS)
    return {
      message: `Its output holds ${approxCount(out)} elements for one image (${outputShape.slice(1).join('×')}), more than ${LIMIT}: it cannot be built or trained. Use fewer filters or units, a smaller input, or downsample earlier.`,
      short: `output ${approxCount(out)} > 2^31`,
    }
  if (weights > MAX_TENSOR_ELEMENTS)
    return {
      message: `Its weights hold ${approxCount(weights)} parameters, more than ${LIMIT}: it cannot be built or trained. Use fewer filters or units, or a smaller kernel.`,
      short: `weights ${approxCount(weights)} > 2^31`,
    }
  return null
}

const TOTAL_NAMES: Record<string, string> = {
  trainable: 'trainable parameters',
  nonTrainable: 'non-trainable parameters',
  macs: 'MACs',
  activationBytes: 'activation bytes',
}

/** The warning of the graph's totals, or null: beyond 2^53 they are not exact, or not finite. */
export function totalsSizeWarning(totals: Record<string, number>): string | null {
  const entries = Object.entries(totals).map(([k, v]) => [TOTAL_NAMES[k] ?? k, v] as const)
  const bad = entries.filter(([, v]) => !Number.isFinite(v))
  if (bad.length)
    return `The totals overflow (${bad.map(([k]) => k).join(', ')} are not finite numbers): the graph is far too large to build.`
  const big = entries.filter(([, v]) => v > MAX_EXACT_COUNT)
  if (big.length)
    return `The totals are beyond 2^53 and only approximate (${big.map(([k, v]) => `${approxCount(v)} ${k}`).join(', ')}): the graph is far too large to build.`
  return null
}
