import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mulberry32 } from './random'
import { channelStats, makeBatch } from './batches'
import type { ImageSet } from './types'

function randomSet(count: number, height: number, width: number, channels: number, seed = 7): ImageSet {
  const random = mulberry32(seed)
  const images = Uint8Array.from({ length: count * height * width * channels }, () =>
    Math.floor(random() * 256),
  )
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10)
  return { images, labels, count, height, width, channels }
}

/** The reference: pad with black, crop at the drawn offset, then flip, pixel by pixel. */
function reference(
  set: ImageSet,
  rows: number[],
  cropPadding: number,
  flip: boolean,
  seed: number,
): Float32Array {
  const { height: H, width: W, channels: C } = set
  const random = mulberry32(seed)
  const out: number[] = []
  for (const row of rows) {
    const f = flip && random() < 0.5
    const p = cropPadding
    const dy = p ? Math.floor(random() * (2 * p + 1)) - p : 0
    const dx = p ? Math.floor(random() * (2 * p + 1)) - p : 0
    const padded = (r: number, c: number, ch: number) => {
      const [sr, sc] = [r - p, c - p]
      return sr < 0 || sr >= H || sc < 0 || sc >= W ? 0 : set.images[((row * H + sr) * W + sc) * C + ch]
    }
    for (let r = 0; r < H; r++)
      for (let c = 0; c < W; c++) {
        const cc = f ? W - 1 - c : c
        for (let ch = 0; ch < C; ch++) out.push(padded(r + p + dy, cc + p + dx, ch) / 255)
      }
  }
  return Float32Array.from(out)
}

describe('batches', () => {
  it('scales bytes to 0–1 in NHWC order with their labels, without augmentation for evaluation', () => {
    const set = randomSet(5, 3, 2, 3)
    const { x, y } = makeBatch(set, [4, 0])
    expect(x.length).toBe(2 * 3 * 2 * 3)
    expect(Array.from(y)).toEqual([4, 0])
    expect(x[0]).toBeCloseTo(set.images[4 * 18] / 255, 6)
    expect(x[18 + 17]).toBeCloseTo(set.images[17] / 255, 6)
  })

  it('crops after zero padding and flips exactly as pad → crop → flip would, for any seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(1, 3),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1e9 }),
        (h, w, c, pad, flip, seed) => {
          const p = Math.min(pad, h - 1, w - 1)
          const set = randomSet(4, h, w, c, seed)
          const rows = [3, 1, 1, 0]
          const { x } = makeBatch(set, rows, { augment: { cropPadding: p, flip, seed } })
          const want = reference(set, rows, p, flip, seed)
          for (let i = 0; i < want.length; i++) expect(x[i]).toBeCloseTo(want[i], 6)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('gives the same augmented batch for the same seed and another for another seed', () => {
    const set = randomSet(64, 28, 28, 1)
    const rows = Array.from({ length: 64 }, (_, i) => i)
    const augment = { cropPadding: 4, flip: true, seed: 11 }
    expect(makeBatch(set, rows, { augment }).x).toEqual(makeBatch(set, rows, { augment }).x)
    expect(makeBatch(set, rows, { augment: { ...augment, seed: 12 } }).x).not.toEqual(
      makeBatch(set, rows, { augment }).x,
    )
    // Flipping only: each image is the original or its mirror image, row by row.
    const { x } = makeBatch(set, [0], { augment: { cropPadding: 0, flip: true, seed: 3 } })
    const original = Array.from(set.images.subarray(0, 28), (v) => v / 255)
    const first = Array.from(x.subarray(0, 28))
    const mirrored = [...original].reverse()
    const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) < 1e-6)
    expect(close(first, original) || close(first, mirrored)).toBe(true)
  })

  it('standardises with per-channel statistics of the training rows, padding with standardised black', () => {
    const set = randomSet(50, 4, 4, 3)
    const trainRows = Array.from({ length: 40 }, (_, i) => i)
    const stats = channelStats(set, trainRows)
    // Naive per-channel mean and standard deviation over the same rows.
    for (let ch = 0; ch < 3; ch++) {
      const values: number[] = []
      for (const r of trainRows) for (let k = ch; k < 48; k += 3) values.push(set.images[r * 48 + k] / 255)
      const mean = values.reduce((a, b) => a + b, 0) / values.length
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length)
      expect(stats.mean[ch]).toBeCloseTo(mean, 10)
      expect(stats.std[ch]).toBeCloseTo(std, 10)
    }
    const { x } = makeBatch(set, trainRows, { normalization: stats })
    for (let ch = 0; ch < 3; ch++) {
      let sum = 0
      let sq = 0
      for (let k = ch; k < x.length; k += 3) {
        sum += x[k]
        sq += x[k] ** 2
      }
      const n = x.length / 3
      expect(sum / n).toBeCloseTo(0, 4)
      expect(Math.sqrt(sq / n - (sum / n) ** 2)).toBeCloseTo(1, 4)
    }
    // A pixel shifted in from the padding is black (0), standardised.
    const shifted = makeBatch(set, [0], {
      normalization: stats,
      augment: { cropPadding: 3, flip: false, seed: 1 },
    })
    const blacks = Array.from(shifted.x).filter(
      (v, k) => Math.abs(v - -stats.mean[k % 3] / stats.std[k % 3]) < 1e-6,
    )
    expect(blacks.length).toBeGreaterThan(0)
  })

  it('gives a constant channel a standard deviation of one grey level, not zero', () => {
    const set: ImageSet = {
      images: new Uint8Array(32).fill(9),
      labels: new Uint8Array(2),
      count: 2,
      height: 4,
      width: 4,
      channels: 1,
    }
    const stats = channelStats(set, [0, 1])
    expect(stats.mean[0]).toBeCloseTo(9 / 255, 10)
    expect(stats.std[0]).toBeCloseTo(1 / 255, 10)
    expect(makeBatch(set, [0], { normalization: stats }).x[0]).toBeCloseTo(0, 5)
  })

  it('fills buffers it is given, and returns views of the rows asked for', () => {
    const set = randomSet(10, 2, 2, 1)
    const out = { x: new Float32Array(4 * 8), y: new Int32Array(8) }
    const batch = makeBatch(set, [1, 2, 3], {}, out)
    expect(batch.x.buffer).toBe(out.x.buffer)
    expect([batch.x.length, batch.y.length]).toEqual([12, 3])
    expect(() =>
      makeBatch(
        set,
        Array.from({ length: 9 }, (_, i) => i),
        {},
        out,
      ),
    ).toThrow('The batch buffers hold 8 images and 8 labels; 9 were asked for.')
  })

  it('refuses rows outside the set, a normalisation of the wrong size, and padding larger than the image', () => {
    const set = randomSet(3, 4, 4, 1)
    expect(() => makeBatch(set, [3])).toThrow('Row 3 is not an image of this set (it holds 3).')
    expect(() => makeBatch(set, [0.5])).toThrow(/Row 0\.5/)
    expect(() => channelStats(set, [-1])).toThrow(/Row -1/)
    expect(() => makeBatch(set, [0], { normalization: { mean: [0, 0, 0], std: [1, 1, 1] } })).toThrow(
      'The normalisation has 3 means and 3 standard deviations for images with 1 channels.',
    )
    expect(() => makeBatch(set, [0], { normalization: { mean: [0], std: [0] } })).toThrow(
      /positive standard deviations/,
    )
    expect(() => makeBatch(set, [0], { augment: { cropPadding: 4, flip: false, seed: 1 } })).toThrow(
      'A crop padding of 4 is too large for 4×4 images.',
    )
  })
})
