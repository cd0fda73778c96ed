import { mulberry32 } from './random'
import { DatasetFileError } from './idx'
import type { ImageSet } from './types'

/** Per-channel mean and standard deviation on the 0–1 scale (bytes / 255). */
export interface Normalization {
  mean: number[]
  std: number[]
}

/**
 * Training-time augmentation, drawn per image from a stream seeded by `seed`: a random crop after
 * zero padding (`cropPadding` pixels on each side, cropped back to the image size: a shift of up
 * to ± cropPadding in each direction, uncovered pixels black) and, when `flip`, a left–right flip
 * half of the time.
 */
export interface Augmentation {
  cropPadding: number
  flip: boolean
  seed: number
}

export interface BatchOptions {
  /** Standardise each channel after scaling to 0–1; absent: bytes / 255 only. */
  normalization?: Normalization | null
  /** For training batches only; absent: the images as they are. */
  augment?: Augmentation | null
}

/** A batch as the trainer consumes it: `count × height × width × channels` floats (NHWC) and labels. */
export interface Batch {
  x: Float32Array
  y: Int32Array
}

/** The smallest standard deviation used: one grey level, so a constant channel does not explode. */
const MIN_STD = 1 / 255

/**
 * Per-channel mean and standard deviation (0–1 scale) of the pixels of `rows` of `set`: compute
 * them on the training split only, so nothing of the validation or test images leaks into training.
 * Exact (a 256-bin histogram per channel), and fast: one counter increment per byte.
 */
export function channelStats(set: ImageSet, rows: ArrayLike<number>): Normalization {
  const C = set.channels
  const per = set.height * set.width * C
  const hist = new Float64Array(256 * C)
  const images = set.images
  for (let i = 0; i < rows.length; i++) {
    const base = checkRow(set, rows[i]) * per
    if (C === 1) for (let k = 0; k < per; k++) hist[images[base + k]]++
    else for (let k = 0; k < per; k++) hist[(k % C) * 256 + images[base + k]]++
  }
  const mean: number[] = []
  const std: number[] = []
  for (let c = 0; c < C; c++) {
    let n = 0
    let sum = 0
    let sq = 0
    for (let v = 0; v < 256; v++) {
      const h = hist[c * 256 + v]
      n += h
      sum += h * v
      sq += h * v * v
    }
    const m = n ? sum / n : 0
    const variance = n ? Math.max(sq / n - m * m, 0) : 0
    mean.push(m / 255)
    std.push(Math.max(Math.sqrt(variance) / 255, MIN_STD))
  }
  return { mean, std }
}

function checkRow(set: ImageSet, row: number): number {
  if (!(row >= 0 && row < set.count && Number.isInteger(row)))
    throw new DatasetFileError(`Row ${row} is not an image of this set (it holds ${set.count}).`)
  return row
}

/** byte → float for each channel: `lut[c * 256 + byte]`. */
function lookupTable(channels: number, normalization: Normalization | null | undefined): Float32Array {
  const lut = new Float32Array(256 * channels)
  if (normalization) {
    const { mean, std } = normalization
    if (mean.length !== channels || std.length !== channels)
      throw new DatasetFileError(
        `The normalisation has ${mean.length} means and ${std.length} standard deviations for images with ${channels} channels.`,
      )
    if (std.some((s) => !(s > 0)) || mean.some((m) => !Number.isFinite(m)))
      throw new DatasetFileError(
        `The normalisation needs finite means and positive standard deviations; got mean ${mean.join(', ')}, std ${std.join(', ')}.`,
      )
  }
  for (let c = 0; c < channels; c++) {
    const scale = normalization ? 1 / 255 / normalization.std[c] : 1 / 255
    const shift = normalization ? -normalization.mean[c] / normalization.std[c] : 0
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = v * scale + shift
  }
  return lut
}

/**
 * The images `rows` of `set` as float32 NHWC, normalised, with their labels; augmented when
 * `options.augment` is given (training batches only). The same seed gives the same batch. Pass
 * `out` (at least `rows.length` images long) to reuse buffers between batches.
 */
export function makeBatch(
  set: ImageSet,
  rows: ArrayLike<number>,
  options: BatchOptions = {},
  out?: Batch,
): Batch {
  const { height: H, width: W, channels: C } = set
  const per = H * W * C
  const n = rows.length
  if (out && (out.x.length < n * per || out.y.length < n))
    throw new DatasetFileError(
      `The batch buffers hold ${Math.floor(out.x.length / per)} images and ${out.y.length} labels; ${n} were asked for.`,
    )
  const x = out?.x ?? new Float32Array(n * per)
  const y = out?.y ?? new Int32Array(n)
  const lut = lookupTable(C, options.normalization)
  const images = set.images
  const aug = options.augment
  const p = aug ? Math.max(0, Math.floor(aug.cropPadding)) : 0
  if (aug && (p >= H || p >= W))
    throw new DatasetFileError(`A crop padding of ${p} is too large for ${H}×${W} images.`)
  const random = aug && (p > 0 || aug.flip) ? mulberry32(aug.seed) : null

  for (let i = 0; i < n; i++) {
    const row = checkRow(set, rows[i])
    y[i] = set.labels[row]
    const src = row * per
    const dst = i * per
    if (!random) {
      if (C === 1) for (let k = 0; k < per; k++) x[dst + k] = lut[images[src + k]]
      else
        for (let k = 0; k < per; k += C)
          for (let c = 0; c < C; c++) x[dst + k + c] = lut[c * 256 + images[src + k + c]]
      continue
    }
    // The same draws, in the same order, as the training loop has always made.
    const flip = aug!.flip && random() < 0.5
    const dy = p ? Math.floor(random() * (2 * p + 1)) - p : 0
    const dx = p ? Math.floor(random() * (2 * p + 1)) - p : 0
    // Output column col reads source column (flip ? W − 1 − col : col) + dx; [lo, hi) is where it exists.
    const lo = flip ? Math.max(0, dx) : Math.max(0, -dx)
    const hi = flip ? Math.min(W, W + dx) : Math.min(W, W - dx)
    for (let r = 0; r < H; r++) {
      const sr = r + dy
      const o = dst + r * W * C
      if (sr < 0 || sr >= H) {
        for (let k = 0; k < W * C; k++) x[o + k] = lut[(k % C) * 256]
        continue
      }
      const s = src + sr * W * C
      for (let col = 0; col < lo; col++) for (let c = 0; c < C; c++) x[o + col * C + c] = lut[c * 256]
      for (let col = hi; col < W; col++) for (let c = 0; c < C; c++) x[o + col * C + c] = lut[c * 256]
      if (C === 1) {
        if (flip) for (let col = lo; col < hi; col++) x[o + col] = lut[images[s + W - 1 - col + dx]]
        else for (let col = lo; col < hi; col++) x[o + col] = lut[images[s + col + dx]]
      } else
        for (let col = lo; col < hi; col++) {
          const sc = (flip ? W - 1 - col : col) + dx
          for (let c = 0; c < C; c++) x[o + col * C + c] = lut[c * 256 + images[s + sc * C + c]]
        }
    }
  }
  return out && (x.length > n * per || y.length > n)
    ? { x: x.subarray(0, n * per), y: y.subarray(0, n) }
    : { x, y }
}
