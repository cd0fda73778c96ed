import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { pairImagesAndLabels, parseIdx } from './idx'

/** Writes an IDX file of unsigned bytes, as the MNIST distribution does. */
function idx(dims: number[], data: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length)
  header.set([0, 0, 0x08, dims.length])
  const view = new DataView(header.buffer)
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false))
  return new Uint8Array([...header, ...data])
}

describe('parseIdx', () => {
  const images = idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255])

  it('reads dimensions and data, gzipped or not', () => {
    for (const bytes of [images, new Uint8Array(gzipSync(images))]) {
      const a = parseIdx('x', bytes)
      expect(a.dims).toEqual([2, 2, 3])
      expect([...a.data]).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255])
    }
  })

  it('names the file and the problem', () => {
    expect(() => parseIdx('a.idx', new Uint8Array([1, 2, 3, 4]))).toThrow('a.idx: not an IDX file')
    expect(() =>
      parseIdx(
        'b.idx',
        idx([2], [1, 2]).map((v, i) => (i === 2 ? 0x0d : v)),
      ),
    ).toThrow('b.idx: IDX data type 0xd is not supported')
    expect(() => parseIdx('c.idx', images.subarray(0, images.length - 1))).toThrow(
      'c.idx: the header promises 2×2×3 = 12 bytes of data but the file holds 11.',
    )
    const gz = new Uint8Array(gzipSync(images))
    expect(() => parseIdx('d.gz', gz.subarray(0, 20))).toThrow(/^d\.gz: the gzip data is damaged/)
  })

  it('pairs images with labels and refuses a mismatched pair', () => {
    const labels = parseIdx('l', idx([2], [7, 3]))
    const pair = pairImagesAndLabels(parseIdx('i', images), labels, ['i', 'l'])
    expect(pair).toMatchObject({ count: 2, height: 2, width: 3, channels: 1 })
    expect([...pair.labels]).toEqual([7, 3])
    expect(() =>
      pairImagesAndLabels(parseIdx('i', images), parseIdx('l', idx([3], [1, 2, 3])), ['i', 'l']),
    ).toThrow('i holds 2 images but l holds 3 labels: they are not a pair.')
  })
})
