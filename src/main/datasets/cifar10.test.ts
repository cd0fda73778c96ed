import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-db'
import { CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, loadCifar10, parseCifarBatches } from './cifar10'

/** A CIFAR-10 record: label, then the red, green and blue planes. */
function record(label: number, rgb: (p: number) => [number, number, number]): Uint8Array {
  const r = new Uint8Array(3073)
  r[0] = label
  for (let p = 0; p < 1024; p++) [r[1 + p], r[1025 + p], r[2049 + p]] = rgb(p)
  return r
}
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)))

describe('CIFAR-10 binary batches', () => {
  it('reads records into NHWC images with their labels', () => {
    const set = parseCifarBatches([
      {
        name: 'a.bin',
        bytes: concat(
          record(3, (p) => [p % 256, 7, 200]),
          record(9, () => [1, 2, 3]),
        ),
      },
    ])
    expect(set).toMatchObject({ count: 2, height: 32, width: 32, channels: 3 })
    expect(Array.from(set.labels)).toEqual([3, 9])
    // Pixel 5 of image 0: red 5, green 7, blue 200, interleaved.
    expect(Array.from(set.images.subarray(15, 18))).toEqual([5, 7, 200])
    expect(Array.from(set.images.subarray(3072, 3075))).toEqual([1, 2, 3])
  })

  it('refuses truncated files and labels outside 0–9, naming the file', () => {
    expect(() => parseCifarBatches([{ name: 'cut.bin', bytes: new Uint8Array(3072) }])).toThrow(
      /cut\.bin: 3072 bytes is not a whole number of CIFAR-10 records/,
    )
    expect(() => parseCifarBatches([{ name: 'c100.bin', bytes: record(42, () => [0, 0, 0]) }])).toThrow(
      /c100\.bin: record 1 has label 42.*CIFAR-100/,
    )
  })

  it('loads a folder in the archive layout with its class names, and says what is missing', () => {
    const dir = tempDir('cifar-')
    const bin = path.join(dir, 'cifar-10-batches-bin')
    mkdirSync(bin)
    for (const f of CIFAR10_TRAIN_FILES)
      writeFileSync(
        path.join(bin, f),
        concat(
          record(1, () => [9, 9, 9]),
          record(2, () => [8, 8, 8]),
        ),
      )
    expect(() => loadCifar10(dir)).toThrow(/holds no CIFAR-10 binary batches/)
    writeFileSync(
      path.join(bin, CIFAR10_TEST_FILE),
      record(0, () => [1, 1, 1]),
    )
    writeFileSync(path.join(bin, 'batches.meta.txt'), 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n')
    const ds = loadCifar10(dir)
    expect([ds.train.count, ds.test.count]).toEqual([10, 1])
    expect(ds.classes).toEqual([...'abcdefghij'])
    writeFileSync(path.join(bin, CIFAR10_TRAIN_FILES[2]), new Uint8Array(100))
    expect(() => loadCifar10(dir)).toThrow(/data_batch_3\.bin: 100 bytes/)
  })
})
