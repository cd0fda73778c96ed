import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { contentHash } from './hash'
import type { ImageSet } from './types'

const set = (images: number[], labels: number[], height = 1, width = 1): ImageSet => ({
  images: Uint8Array.from(images),
  labels: Uint8Array.from(labels),
  count: labels.length,
  height,
  width,
  channels: 1,
})

describe('content hash', () => {
  const base = { train: set([1, 2, 3, 4], [0, 1, 0, 1]), test: set([5, 6], [1, 0]) }

  it('is SHA-256 over the shape, images and labels of the training split, then the test split', () => {
    const h = createHash('sha256')
    const shape = (count: number) => {
      const b = Buffer.alloc(16)
      b.writeUInt32BE(count, 0)
      b.writeUInt32BE(1, 4)
      b.writeUInt32BE(1, 8)
      b.writeUInt32BE(1, 12)
      return b
    }
    h.update(shape(4))
      .update(Uint8Array.of(1, 2, 3, 4))
      .update(Uint8Array.of(0, 1, 0, 1))
    h.update(shape(2)).update(Uint8Array.of(5, 6)).update(Uint8Array.of(1, 0))
    expect(contentHash(base)).toBe(h.digest('hex'))
  })

  it('changes with any pixel, label, order, split or shape, and only then', () => {
    const h = contentHash(base)
    expect(contentHash({ train: set([1, 2, 3, 4], [0, 1, 0, 1]), test: set([5, 6], [1, 0]) })).toBe(h)
    const variants = [
      { ...base, train: set([1, 2, 3, 9], [0, 1, 0, 1]) },
      { ...base, test: set([5, 6], [0, 0]) },
      { ...base, train: set([2, 1, 3, 4], [1, 0, 0, 1]) },
      { train: set([1, 2, 3], [0, 1, 0]), test: set([4, 5, 6], [1, 1, 0]) },
      { train: set([1, 2, 3, 4], [0, 1], 2, 1), test: base.test },
    ]
    const hashes = new Set(variants.map(contentHash))
    expect(hashes.size).toBe(variants.length)
    expect(hashes.has(h)).toBe(false)
  })
})
