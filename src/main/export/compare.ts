import type { Verification } from '../../shared/api/export'

export interface LogitComparison {
  maxAbsDiff: number
  /** The largest |logit| of the reference (TF.js). */
  maxAbsLogit: number
  top1Agreement: number
}

/**
 * How far logits `a` [samples × classes] are from the reference `b`: largest difference, largest
 * reference logit, share of samples with the same top class.
 */
export function compareLogits(a: Float32Array, b: Float32Array, classes: number): LogitComparison {
  if (a.length !== b.length || a.length % classes !== 0)
    throw new Error(`Cannot compare ${a.length} logits with ${b.length} for ${classes} classes.`)
  let maxAbsDiff = 0
  let maxAbsLogit = 0
  let agree = 0
  const samples = a.length / classes
  for (let s = 0; s < samples; s++) {
    let topA = 0
    let topB = 0
    for (let k = 0; k < classes; k++) {
      const i = s * classes + k
      // NaN anywhere is a disagreement, never hidden by Math.max.
      const d = Math.abs(a[i] - b[i])
      maxAbsDiff = Number.isNaN(d) || d > maxAbsDiff ? (Number.isNaN(d) ? Infinity : d) : maxAbsDiff
      maxAbsLogit = Math.max(maxAbsLogit, Math.abs(b[i]))
      if (a[i] > a[s * classes + topA]) topA = k
      if (b[i] > b[s * classes + topB]) topB = k
    }
    if (topA === topB) agree++
  }
  return { maxAbsDiff, maxAbsLogit, top1Agreement: samples ? agree / samples : 1 }
}

/**
 * Whether the difference is float32 rounding: at most `tolerance` for logits up to 1 and relative
 * to the largest logit beyond (untrained ResNets reach logits in the thousands, where float32
 * sums in another order differ by 1e-3).
 */
export const withinTolerance = (c: LogitComparison, tolerance: number) =>
  c.maxAbsDiff <= tolerance * Math.max(1, c.maxAbsLogit)

/**
 * The verification report of `engine`'s logits for `samples` inputs against TF.js's (`expected`):
 * compared as compareLogits does, passed when withinTolerance.
 */
export function verificationOf(
  engine: Verification['engine'],
  batch: { data: Verification['data']; samples: number },
  logits: Float32Array,
  expected: Float32Array,
  options: { classes: number; tolerance: number },
): Verification {
  const comparison = compareLogits(logits, expected, options.classes)
  return {
    engine,
    data: batch.data,
    samples: batch.samples,
    ...comparison,
    tolerance: options.tolerance,
    passed: withinTolerance(comparison, options.tolerance),
  }
}

/** NHWC float32 images as NCHW. */
export function nhwcToNchw(x: Float32Array, [n, h, w, c]: readonly number[]): Float32Array {
  const out = new Float32Array(x.length)
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let z = 0; z < w; z++)
        for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + z] = x[((b * h + y) * w + z) * c + k]
  return out
}
