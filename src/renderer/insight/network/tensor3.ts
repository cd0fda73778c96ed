import { base64ToFloat32 } from '../../../shared/tensor/base64'

/** A sample's 3-D map without the batch axis, NHWC: values[(y·w + x)·c + ch]. */
export interface Tensor3 {
  h: number
  w: number
  c: number
  values: Float32Array
}

/**
 * A node's output as a 3-D map: [h, w, c] as is, and a 1-D output [units] as one row of 1×1
 * channels (so Dense outputs share the code paths of feature maps).
 */
export function toTensor3(shape: readonly number[], values: Float32Array): Tensor3 {
  const [h, w, c] =
    shape.length === 3 ? shape : shape.length === 1 ? [1, 1, shape[0]!] : [Number.NaN, Number.NaN, Number.NaN]
  if (!(h! > 0 && w! > 0 && c! > 0))
    throw new Error(`A feature map must be [h, w, c] or [units]; got [${shape.join(', ')}].`)
  if (values.length !== h! * w! * c!)
    throw new Error(
      `A [${shape.join(', ')}] map holds ${h! * w! * c!} values; got ${values.length}. The service and the graph disagree on the shape.`,
    )
  return { h: h!, w: w!, c: c!, values }
}

export const decodeTensor3 = (shape: readonly number[], b64: string): Tensor3 =>
  toTensor3(shape, base64ToFloat32(b64))

export const at = (t: Tensor3, y: number, x: number, ch: number): number =>
  t.values[(y * t.w + x) * t.c + ch]!

/** One channel as a row-major h×w plane. */
export function channel(t: Tensor3, ch: number): Float32Array {
  const out = new Float32Array(t.h * t.w)
  for (let i = 0; i < t.h * t.w; i++) out[i] = t.values[i * t.c + ch]!
  return out
}

/** min, max and mean of every value. */
export function stats(values: ArrayLike<number>): { min: number; max: number; mean: number } {
  let min = Infinity
  let max = -Infinity
  let sum = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v < min) min = v
    if (v > max) max = v
    sum += v
  }
  return values.length ? { min, max, mean: sum / values.length } : { min: 0, max: 0, mean: 0 }
}
