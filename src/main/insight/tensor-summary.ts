import type { NodeActivation } from '../../shared/api/insight'
import { float32ToBase64 } from '../../shared/tensor/base64'

/** onnxruntime's CHW output of one sample in the app's HWC order. */
export function nchwToNhwc(values: Float32Array, [h, w, c]: number[]): Float32Array {
  const out = new Float32Array(h * w * c)
  const plane = h * w
  for (let ch = 0; ch < c; ch++) for (let p = 0; p < plane; p++) out[p * c + ch] = values[ch * plane + p]
  return out
}

/** The longest side of a canvas thumbnail: enough for a node, small on the wire. */
export const THUMBNAIL_SIDE = 32
const THUMBNAIL_UNITS = 256

/** Averages `src` (rows × cols) down to at most `maxRows` × `maxCols` cells. */
function shrink(src: Float32Array, rows: number, cols: number, maxRows: number, maxCols: number) {
  const r = Math.min(rows, maxRows)
  const c = Math.min(cols, maxCols)
  if (r === rows && c === cols) return { values: src, rows, cols }
  const sum = new Float32Array(r * c)
  const count = new Float32Array(r * c)
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < cols; x++) {
      const o = Math.floor((y * r) / rows) * c + Math.floor((x * c) / cols)
      sum[o] += src[y * cols + x]
      count[o]++
    }
  for (let i = 0; i < sum.length; i++) sum[i] /= count[i]
  return { values: sum, rows: r, cols: c }
}

/**
 * A node's output for one sample as the canvas shows it: min, max, mean, and a thumbnail (the mean
 * over channels of an image-like output, the units of a vector), averaged down to a few dozen cells.
 */
export function summarise(shape: number[], values: Float32Array): NodeActivation {
  let min = Infinity
  let max = -Infinity
  let sum = 0
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
    sum += v
  }
  let picture: { values: Float32Array; rows: number; cols: number }
  if (shape.length === 3) {
    const [h, w, c] = shape
    const mean = new Float32Array(h * w)
    for (let p = 0; p < h * w; p++) {
      let s = 0
      for (let ch = 0; ch < c; ch++) s += values[p * c + ch]
      mean[p] = s / c
    }
    picture = shrink(mean, h, w, THUMBNAIL_SIDE, THUMBNAIL_SIDE)
  } else picture = shrink(values, 1, values.length, 1, THUMBNAIL_UNITS)
  return {
    shape,
    min,
    max,
    mean: values.length ? sum / values.length : 0,
    thumbnail: float32ToBase64(picture.values),
    thumbnailShape: [picture.rows, picture.cols],
  }
}
