import type { Hyperparameters } from '../../shared/api/training'
import type { ImageSet, LoadedDataset } from '../datasets/types'
import type { TrainData } from './loop'
import { mulberry32, shuffled } from './random'

/**
 * Per class, a seeded share of the indices goes to the second list: each class keeps its
 * proportion in both (to within one sample), and the same seed gives the same split.
 */
export function stratifiedSplit(
  labels: Uint8Array,
  indices: Uint32Array,
  share: number,
  seed: number,
): [Uint32Array, Uint32Array] {
  const byClass = new Map<number, number[]>()
  for (const i of indices) {
    const list = byClass.get(labels[i]) ?? []
    list.push(i)
    byClass.set(labels[i], list)
  }
  const first: number[] = []
  const second: number[] = []
  const random = mulberry32(seed)
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = byClass.get(label)!
    const order = shuffled(list.length, random)
    const take = Math.round(list.length * share)
    order.forEach((k, j) => (j < take ? second : first).push(list[k]))
  }
  const sort = (a: number[]) => Uint32Array.from(a).sort()
  return [sort(first), sort(second)]
}

/** Per-channel mean and standard deviation of a set's pixels (0–1 scale) over `indices`. */
export function channelStats(set: ImageSet, indices: Uint32Array): { mean: number[]; std: number[] } {
  const c = set.channels
  const per = set.height * set.width * c
  const sum = new Float64Array(c)
  const sq = new Float64Array(c)
  for (const i of indices) {
    const base = i * per
    for (let k = 0; k < per; k++) {
      const v = set.images[base + k] / 255
      sum[k % c] += v
      sq[k % c] += v * v
    }
  }
  const n = (indices.length * per) / c
  const mean = Array.from(sum, (s) => s / n)
  const std = Array.from(sq, (s, ch) => Math.sqrt(Math.max(s / n - mean[ch] ** 2, 1e-12)))
  return { mean, std }
}

/**
 * The loop's view of a dataset: the validation split (stratified, seeded) and an optional
 * stratified subset (`limit`) taken from the training split, batches normalised as float32, and
 * augmentation (random crop after zero padding, horizontal flip) on training batches only.
 */
export function makeTrainData(ds: LoadedDataset, h: Hyperparameters): TrainData {
  const { train, test } = ds
  const { height: H, width: W, channels: C } = train
  const per = H * W * C
  let pool: Uint32Array = Uint32Array.from({ length: train.count }, (_, i) => i)
  if (h.limit > 0 && h.limit < train.count)
    pool = stratifiedSplit(train.labels, pool, h.limit / train.count, h.seed + 17)[1]
  const [trainIdx, valIdx] =
    h.validationSplit > 0
      ? stratifiedSplit(train.labels, pool, h.validationSplit, h.seed)
      : [pool, new Uint32Array()]
  const stats = h.normalize === 'standardize' ? channelStats(train, trainIdx) : null
  // out = byte · scale[c] + shift[c]: one multiply-add per pixel.
  const scale = Array.from({ length: C }, (_, ch) => (stats ? 1 / 255 / stats.std[ch] : 1 / 255))
  const shift = Array.from({ length: C }, (_, ch) => (stats ? -stats.mean[ch] / stats.std[ch] : 0))
  const zero = shift // the value of a padded (black) pixel after normalisation

  const copy = (set: ImageSet, rows: ArrayLike<number>, x: Float32Array, y: Int32Array) => {
    for (let i = 0; i < rows.length; i++) {
      const src = rows[i] * per
      const dst = i * per
      for (let k = 0; k < per; k++) {
        const ch = k % C
        x[dst + k] = set.images[src + k] * scale[ch] + shift[ch]
      }
      y[i] = set.labels[rows[i]]
    }
  }

  const augmented = (rows: ArrayLike<number>, seed: number, x: Float32Array, y: Int32Array) => {
    const random = mulberry32(seed)
    const p = h.cropPadding
    for (let i = 0; i < rows.length; i++) {
      const src = rows[i] * per
      const dst = i * per
      const flip = h.flip && random() < 0.5
      const dy = p ? Math.floor(random() * (2 * p + 1)) - p : 0
      const dx = p ? Math.floor(random() * (2 * p + 1)) - p : 0
      for (let r = 0; r < H; r++) {
        const sr = r + dy
        for (let col = 0; col < W; col++) {
          const sc = (flip ? W - 1 - col : col) + dx
          const o = dst + (r * W + col) * C
          if (sr < 0 || sr >= H || sc < 0 || sc >= W) for (let ch = 0; ch < C; ch++) x[o + ch] = zero[ch]
          else {
            const s = src + (sr * W + sc) * C
            for (let ch = 0; ch < C; ch++) x[o + ch] = train.images[s + ch] * scale[ch] + shift[ch]
          }
        }
      }
      y[i] = train.labels[rows[i]]
    }
  }

  return {
    shape: [H, W, C],
    classes: ds.classes.length,
    trainCount: trainIdx.length,
    valCount: valIdx.length,
    testCount: test.count,
    trainBatch(indices, seed) {
      const x = new Float32Array(indices.length * per)
      const y = new Int32Array(indices.length)
      const rows = Array.from(indices, (k) => trainIdx[k])
      if (h.flip || h.cropPadding > 0) augmented(rows, seed, x, y)
      else copy(train, rows, x, y)
      return { x, y }
    },
    evalBatch(split, start, size) {
      const x = new Float32Array(size * per)
      const y = new Int32Array(size)
      if (split === 'val') copy(train, valIdx.subarray(start, start + size), x, y)
      else
        copy(
          test,
          Uint32Array.from({ length: size }, (_, i) => start + i),
          x,
          y,
        )
      return { x, y }
    },
  }
}
