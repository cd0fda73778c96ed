import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-kit'
import { classCounts } from './split'
import { FASHION_MNIST_CLASSES, hasMnistFiles, loadMnist } from './mnist'
import { idxBytes, writeMnist } from './test-kit'

const DEBIAN = '/usr/share/datasets/fashion-mnist'

describe('MNIST and Fashion-MNIST', () => {
  it.runIf(existsSync(DEBIAN))(
    'loads Debian’s real Fashion-MNIST: 60,000 + 10,000 images, 6,000 per class',
    () => {
      const started = performance.now()
      const ds = loadMnist(DEBIAN, 'fashion-mnist')
      const ms = performance.now() - started
      expect(ds).toMatchObject({ id: 'fashion-mnist', name: 'Fashion-MNIST', source: DEBIAN, skipped: [] })
      expect(ds.classes).toEqual(FASHION_MNIST_CLASSES)
      expect(ds.classes[0]).toBe('T-shirt/top')
      expect(ds.classes[9]).toBe('Ankle boot')
      for (const [set, count] of [
        [ds.train, 60_000],
        [ds.test, 10_000],
      ] as const) {
        expect(set).toMatchObject({ count, height: 28, width: 28, channels: 1 })
        expect(set.images.length).toBe(count * 784)
        expect(set.labels.length).toBe(count)
      }
      expect(classCounts(ds.train.labels, 10)).toEqual(new Array(10).fill(6000))
      expect(classCounts(ds.test.labels, 10)).toEqual(new Array(10).fill(1000))
      // The first training image is an ankle boot (label 9), as in every copy of the dataset.
      expect(ds.train.labels[0]).toBe(9)
      expect(ds.contentHash).toMatch(/^[0-9a-f]{64}$/)
      console.log(`Fashion-MNIST loaded from ${DEBIAN} in ${ms.toFixed(0)} ms`)
    },
  )

  it('reads the four files gzipped or not, with the same content hash', () => {
    const labels = { train: [3, 1, 4, 1, 5], test: [9, 2] }
    const plain = tempDir('mnist-')
    const gz = tempDir('mnist-')
    writeMnist(plain, labels)
    writeMnist(gz, labels, { gzip: true })
    expect(hasMnistFiles(plain) && hasMnistFiles(gz)).toBe(true)
    const a = loadMnist(plain)
    const b = loadMnist(gz)
    expect(a.classes).toEqual([...'0123456789'])
    expect([a.train.count, a.test.count, a.train.height, a.train.width, a.train.channels]).toEqual([
      5, 2, 4, 4, 1,
    ])
    expect(Array.from(a.train.labels)).toEqual(labels.train)
    expect(a.train.images[16 * 2]).toBe(42) // image 2: label 4, position 2
    expect(b.contentHash).toBe(a.contentHash)
    expect(b.train.images).toEqual(a.train.images)
  })

  it('finds the files under the dotted names some copies use', () => {
    const dir = tempDir('mnist-')
    writeMnist(dir, { train: [1], test: [2] })
    renameSync(path.join(dir, 'train-images-idx3-ubyte'), path.join(dir, 'train-images.idx3-ubyte'))
    expect(loadMnist(dir).train.count).toBe(1)
  })

  it('names the missing file and what the folder needs', () => {
    const dir = tempDir('mnist-')
    writeMnist(dir, { train: [1], test: [2] })
    rmSync(path.join(dir, 't10k-labels-idx1-ubyte'))
    expect(() => loadMnist(dir, 'fashion-mnist')).toThrow(
      /t10k-labels-idx1-ubyte\.gz is missing .*Fashion-MNIST needs the four files/,
    )
    expect(() => loadMnist(path.join(dir, 'nowhere'))).toThrow(/nowhere is not a folder/)
  })

  it('refuses truncated, malformed and mismatched files, naming the file and the problem', () => {
    const make = () => {
      const dir = tempDir('mnist-')
      writeMnist(dir, { train: [0, 1, 2], test: [3] }, { gzip: true })
      return dir
    }
    const file = (dir: string, name: string) => path.join(dir, `${name}.gz`)

    // Truncated: the gzip stream stops half-way.
    let dir = make()
    const whole = readFileSync(file(dir, 'train-images-idx3-ubyte'))
    writeFileSync(file(dir, 'train-images-idx3-ubyte'), whole.subarray(0, whole.length >> 1))
    expect(() => loadMnist(dir)).toThrow(/train-images-idx3-ubyte\.gz: the gzip data is damaged/)

    // Truncated inside the data: the header promises more than the file holds.
    dir = make()
    writeFileSync(file(dir, 'train-images-idx3-ubyte'), gzipSync(idxBytes([3, 4, 4], new Array(40).fill(0))))
    expect(() => loadMnist(dir)).toThrow(
      /train-images-idx3-ubyte\.gz: the header promises 3×4×4 = 48 bytes of data but the file holds 40/,
    )

    // Not an IDX file at all.
    dir = make()
    writeFileSync(file(dir, 't10k-images-idx3-ubyte'), gzipSync(Buffer.from('<html>Not found</html>')))
    expect(() => loadMnist(dir)).toThrow(/t10k-images-idx3-ubyte\.gz: not an IDX file/)

    // Images and labels that do not belong together.
    dir = make()
    writeFileSync(file(dir, 'train-labels-idx1-ubyte'), gzipSync(idxBytes([2], [0, 1])))
    expect(() => loadMnist(dir)).toThrow(/holds 3 images but .*train-labels-idx1-ubyte\.gz holds 2 labels/)

    // Labels swapped for images.
    dir = make()
    writeFileSync(file(dir, 'train-images-idx3-ubyte'), gzipSync(idxBytes([3], [0, 1, 2])))
    expect(() => loadMnist(dir)).toThrow(/train-images-idx3-ubyte\.gz: expected images N×height×width, got 3/)

    // A label outside 0–9.
    dir = make()
    writeFileSync(file(dir, 't10k-labels-idx1-ubyte'), gzipSync(idxBytes([1], [12])))
    expect(() => loadMnist(dir)).toThrow(
      /t10k-labels-idx1-ubyte\.gz: label 12 at position 0 is not a class of MNIST/,
    )

    // Test images of another size than the training images.
    dir = make()
    writeFileSync(file(dir, 't10k-images-idx3-ubyte'), gzipSync(idxBytes([1, 5, 5], new Array(25).fill(0))))
    expect(() => loadMnist(dir)).toThrow(/training images are 4×4 but the test images 5×5/)

    // An empty file.
    dir = make()
    writeFileSync(file(dir, 'train-labels-idx1-ubyte'), new Uint8Array())
    expect(() => loadMnist(dir)).toThrow(/train-labels-idx1-ubyte\.gz: not an IDX file/)

    // A folder where a file should be.
    dir = tempDir('mnist-')
    writeMnist(dir, { train: [1], test: [2] })
    rmSync(path.join(dir, 'train-images-idx3-ubyte'))
    mkdirSync(path.join(dir, 'train-images-idx3-ubyte'))
    expect(() => loadMnist(dir)).toThrow(/train-images-idx3-ubyte\.gz is missing/)
  })
})
