import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-kit'
import { DEBIAN_FASHION_MNIST } from './catalog'
import { outlineDataset } from './dataset-outline'
import { cifarRecord, idxBytes, writeMnist } from './test-kit'

const labels = (n: number) => Array.from({ length: n }, (_, i) => i % 10)

function mnistIn(dataDir: string, options: { gzip?: boolean; side?: number } = {}): string {
  const dir = path.join(dataDir, 'datasets', 'mnist')
  writeMnist(dir, { train: labels(20), test: labels(10) }, { side: 28, ...options })
  return dir
}

describe('outlineDataset', () => {
  it('reads an MNIST folder from its IDX headers, gzipped or not', () => {
    for (const gzip of [false, true]) {
      const data = tempDir()
      mnistIn(data, { gzip })
      expect(outlineDataset({ builtin: 'mnist' }, data)).toEqual({
        name: 'MNIST',
        image: { height: 28, width: 28, channels: 1 },
        classes: 10,
        resizable: false,
      })
    }
  })

  it('reads only the start of a gzipped file: a damaged tail is for the full load to find', () => {
    const data = tempDir()
    const dir = mnistIn(data, { gzip: true })
    const file = path.join(dir, 'train-images-idx3-ubyte.gz')
    const bytes = readFileSync(file)
    writeFileSync(file, bytes.subarray(0, 200))
    expect(outlineDataset({ builtin: 'mnist' }, data).image).toEqual({ height: 28, width: 28, channels: 1 })
  })

  it('names the file and the fault it sees in a header', () => {
    const data = tempDir()
    const dir = mnistIn(data)
    const images = path.join(dir, 'train-images-idx3-ubyte')
    writeFileSync(images, idxBytes([20, 28, 28], new Uint8Array(100)))
    expect(() => outlineDataset({ builtin: 'mnist' }, data)).toThrow(
      `${images}: the header promises 20×28×28 values but the file holds 100 bytes of data. The file is truncated or not what its name says.`,
    )
    writeFileSync(images, gzipSync(idxBytes([19, 28, 28], new Uint8Array(19 * 784))))
    expect(() => outlineDataset({ builtin: 'mnist' }, data)).toThrow(
      `${images} holds 19 images but ${path.join(dir, 'train-labels-idx1-ubyte')} holds 20 labels: they are not a pair.`,
    )
    writeFileSync(images, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]))
    expect(() => outlineDataset({ builtin: 'mnist' }, data)).toThrow(
      /train-images-idx3-ubyte: the gzip data is damaged/,
    )
  })

  it('checks that CIFAR-10 batches hold whole records', () => {
    const data = tempDir()
    const dir = path.join(data, 'datasets', 'cifar10', 'cifar-10-batches-bin')
    mkdirSync(dir, { recursive: true })
    const record = cifarRecord(3, () => [1, 2, 3])
    for (const f of [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`))
      writeFileSync(path.join(dir, f), record)
    writeFileSync(path.join(dir, 'test_batch.bin'), record)
    expect(outlineDataset({ builtin: 'cifar10' }, data)).toMatchObject({
      name: 'CIFAR-10',
      image: { height: 32, width: 32, channels: 3 },
      classes: 10,
    })
    writeFileSync(path.join(dir, 'test_batch.bin'), record.subarray(0, 100))
    expect(() => outlineDataset({ builtin: 'cifar10' }, data)).toThrow(
      /test_batch\.bin: 100 bytes is not a whole number of CIFAR-10 records/,
    )
  })

  it('lists an image folder without reading its images', () => {
    const root = tempDir('cnn-studio-images-')
    for (const c of ['cat', 'dog', 'fox']) {
      mkdirSync(path.join(root, c))
      writeFileSync(path.join(root, c, 'x.png'), 'never decoded here')
    }
    expect(outlineDataset({ folder: root }, tempDir())).toMatchObject({
      name: path.basename(root),
      classes: 3,
      resizable: true,
    })
  })

  it.skipIf(!existsSync(DEBIAN_FASHION_MNIST))('outlines the real Fashion-MNIST in milliseconds', () => {
    const started = performance.now()
    expect(outlineDataset({ builtin: 'fashion-mnist' }, tempDir())).toMatchObject({
      image: { height: 28, width: 28, channels: 1 },
      classes: 10,
    })
    expect(performance.now() - started).toBeLessThan(200)
  })
})
