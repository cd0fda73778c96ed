/** How far two batches of logits [samples × classes] are apart: largest difference, same top class. */
export function compareLogits(
  a: Float32Array,
  b: Float32Array,
  classes: number,
): { maxAbsDiff: number; top1Agreement: number } {
  if (a.length !== b.length || a.length % classes !== 0)
    throw new Error(`Cannot compare ${a.length} logits with ${b.length} for ${classes} classes.`)
  let maxAbsDiff = 0
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
      if (a[i] > a[s * classes + topA]) topA = k
      if (b[i] > b[s * classes + topB]) topB = k
    }
    if (topA === topB) agree++
  }
  return { maxAbsDiff, top1Agreement: samples ? agree / samples : 1 }
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
