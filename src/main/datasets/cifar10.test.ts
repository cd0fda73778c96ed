import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-kit'
import {
  CIFAR10_CLASSES,
  CIFAR10_TEST_FILE,
  CIFAR10_TRAIN_FILES,
  loadCifar10,
  parseCifarBatches,
} from './cifar10'
import { cifarFiles, cifarRecord, concat } from './test-kit'

function writeCifar(dir: string, perBatch = 2): void {
  mkdirSync(dir, { recursive: true })
  for (const f of cifarFiles(perBatch)) writeFileSync(path.join(dir, f.path), f.bytes)
}

describe('CIFAR-10 binary batches', () => {
  it('converts channel-planar records (R, G, B planes) into NHWC images with their labels', () => {
    const set = parseCifarBatches([
      {
        name: 'a.bin',
        bytes: concat(
          cifarRecord(3, (p) => [p % 256, 7, 200]),
          cifarRecord(9, (p) => [1, 2, p >> 2]),
        ),
      },
    ])
    expect(set).toMatchObject({ count: 2, height: 32, width: 32, channels: 3 })
    expect(Array.from(set.labels)).toEqual([3, 9])
    // Pixel 5 (row 0, column 5) of image 0: red 5, green 7, blue 200, interleaved.
    expect(Array.from(set.images.subarray(15, 18))).toEqual([5, 7, 200])
    // Pixel 1023 (row 31, column 31) of image 1.
    expect(Array.from(set.images.subarray(3072 + 3 * 1023, 3072 + 3 * 1024))).toEqual([1, 2, 255])
  })

  it('refuses a size that is not a whole number of records and labels outside 0–9, naming the file', () => {
    expect(() => parseCifarBatches([{ name: 'cut.bin', bytes: new Uint8Array(3072) }])).toThrow(
      /cut\.bin: 3072 bytes is not a whole number of CIFAR-10 records \(3073 bytes each/,
    )
    expect(() => parseCifarBatches([{ name: 'two.bin', bytes: new Uint8Array(3073 * 2 + 5) }])).toThrow(
      /two\.bin: 6151 bytes .*truncated or not a CIFAR-10 binary batch/,
    )
    expect(() => parseCifarBatches([{ name: 'empty.bin', bytes: new Uint8Array() }])).toThrow(
      /empty\.bin: 0 bytes/,
    )
    const bad = concat(
      cifarRecord(1, () => [0, 0, 0]),
      cifarRecord(10, () => [0, 0, 0]),
    )
    expect(() => parseCifarBatches([{ name: 'c100.bin', bytes: bad }])).toThrow(
      /c100\.bin: record 2 has label 10; CIFAR-10 labels are 0 to 9/,
    )
  })

  it('loads a folder, or the extracted cifar-10-batches-bin/ inside it, with batches.meta.txt’s names', () => {
    const flat = tempDir('cifar-')
    writeCifar(flat, 3)
    const ds = loadCifar10(flat)
    expect(ds).toMatchObject({ id: 'cifar10', name: 'CIFAR-10', source: flat, skipped: [] })
    expect([ds.train.count, ds.test.count]).toEqual([15, 3])
    expect(ds.classes).toEqual(CIFAR10_CLASSES)
    expect(Array.from(ds.train.labels.subarray(0, 4))).toEqual([1, 2, 3, 2])
    expect(ds.contentHash).toMatch(/^[0-9a-f]{64}$/)

    const nested = tempDir('cifar-')
    writeCifar(path.join(nested, 'cifar-10-batches-bin'), 3)
    writeFileSync(
      path.join(nested, 'cifar-10-batches-bin', 'batches.meta.txt'),
      'a\r\nb\nc\nd\ne\nf\ng\nh\ni\nj\n',
    )
    const again = loadCifar10(nested)
    expect(again.source).toBe(path.join(nested, 'cifar-10-batches-bin'))
    expect(again.classes).toEqual([...'abcdefghij'])
    expect(again.contentHash).toBe(ds.contentHash)
  })

  it('says which files are missing, which is damaged, and when the names are not CIFAR-10’s', () => {
    const empty = tempDir('cifar-')
    expect(() => loadCifar10(empty)).toThrow(/holds no CIFAR-10 binary batches \(data_batch_1\.bin/)

    const dir = tempDir('cifar-')
    writeCifar(dir)
    rmSync(path.join(dir, CIFAR10_TEST_FILE))
    rmSync(path.join(dir, CIFAR10_TRAIN_FILES[3]))
    expect(() => loadCifar10(dir)).toThrow(/lacks data_batch_4\.bin, test_batch\.bin: CIFAR-10 needs all of/)

    writeCifar(dir)
    writeFileSync(path.join(dir, CIFAR10_TRAIN_FILES[2]), new Uint8Array(100))
    expect(() => loadCifar10(dir)).toThrow(/data_batch_3\.bin: 100 bytes is not a whole number/)

    writeCifar(dir)
    writeFileSync(
      path.join(dir, 'batches.meta.txt'),
      Array.from({ length: 100 }, (_, i) => `c${i}`).join('\n'),
    )
    expect(() => loadCifar10(dir)).toThrow(
      /batches\.meta\.txt lists 100 class names; CIFAR-10 has 10 \(is this CIFAR-100\?\)/,
    )
  })
})
