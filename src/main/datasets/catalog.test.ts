import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BuiltinDataset } from '../../shared/api/training'
import { datasetRefOf } from '../../shared/training/dataset-id'
import { tempDir } from '../db/test-kit'
import {
  BUILTINS,
  DEBIAN_FASHION_MNIST,
  datasetFolder,
  download,
  importLocal,
  loadBuiltin,
  loadDataset,
  locate,
  type DownloadProgress,
} from './catalog'
import { DatasetFileError } from './idx'
import { cifarFiles, idxBytes, pngBytes, tarBytes } from './test-kit'

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex')

/** The four MNIST files, gzipped, of `n` training and 2 test images of 4×4 (n large: a big file). */
function mnistFiles(n = 5): Map<string, Uint8Array> {
  const side = 4
  const train = Array.from({ length: n }, (_, i) => i % 10)
  const pixels = (count: number) =>
    Uint8Array.from({ length: count * side * side }, (_, i) => (i * 7919) % 256)
  return new Map([
    ['train-images-idx3-ubyte.gz', gzipSync(idxBytes([n, side, side], pixels(n)), { level: 0 })],
    ['train-labels-idx1-ubyte.gz', gzipSync(idxBytes([n], train))],
    ['t10k-images-idx3-ubyte.gz', gzipSync(idxBytes([2, side, side], pixels(2)))],
    ['t10k-labels-idx1-ubyte.gz', gzipSync(idxBytes([2], [3, 4]))],
  ])
}

let server: Server
let base: string
/** What the test server answers, by path: bytes, or a function that writes the response itself. */
const served = new Map<string, Uint8Array | ((res: import('node:http').ServerResponse) => void)>()
const checksums = new Map<BuiltinDataset, string[]>()

/** Serves `files` and makes them the published files of `id` (restored after the test). */
function publish(id: BuiltinDataset, files: Map<string, Uint8Array>) {
  checksums.set(
    id,
    BUILTINS[id].files.map((f) => f.md5),
  )
  for (const f of BUILTINS[id].files) {
    const bytes = files.get(f.name)!
    served.set(`${id}/${f.name}`, bytes)
    f.md5 = md5(bytes)
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = served.get(req.url!.slice(1))
    if (!body) return void res.writeHead(404, 'Not Found').end()
    if (typeof body === 'function') return body(res)
    res.writeHead(200, { 'content-length': body.length })
    // In pieces, as a network delivers it.
    for (let at = 0; at < body.length; at += 64 * 1024)
      res.write(Buffer.from(body.subarray(at, at + 64 * 1024)))
    res.end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((r) => server.close(r)))
afterEach(() => {
  for (const [id, sums] of checksums) BUILTINS[id].files.forEach((f, i) => (f.md5 = sums[i]))
  checksums.clear()
  served.clear()
})

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

describe('the catalog of built-in datasets', () => {
  it('lists canonical sources with torchvision’s checksums', () => {
    expect(BUILTINS.mnist.files.map((f) => f.url)).toEqual([
      'https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz',
      'https://ossci-datasets.s3.amazonaws.com/mnist/train-labels-idx1-ubyte.gz',
      'https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images-idx3-ubyte.gz',
      'https://ossci-datasets.s3.amazonaws.com/mnist/t10k-labels-idx1-ubyte.gz',
    ])
    expect(BUILTINS.mnist.files[0].md5).toBe('f68b3c2dcbeaaa9fbdd348bbdeb94873')
    expect(BUILTINS['fashion-mnist'].files[3]).toEqual({
      name: 't10k-labels-idx1-ubyte.gz',
      url: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/t10k-labels-idx1-ubyte.gz',
      md5: 'bb300cfdad3c16e7a12a480ee83cd310',
    })
    expect(BUILTINS.cifar10.files).toEqual([
      {
        name: 'cifar-10-binary.tar.gz',
        url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
        md5: 'c32a1d4ab5d03f1284b67883e8d87530',
      },
    ])
    expect(BUILTINS['fashion-mnist'].classes).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ])
  })

  it.runIf(existsSync(DEBIAN_FASHION_MNIST))(
    'finds Debian’s Fashion-MNIST, and prefers a copy in the data folder',
    () => {
      const dir = tempDir()
      expect(locate('fashion-mnist', dir)).toBe(DEBIAN_FASHION_MNIST)
      expect(locate('mnist', dir)).toBeUndefined()
      const own = datasetFolder('fashion-mnist', dir)
      for (const [name, bytes] of mnistFiles()) {
        mkdirSync(own, { recursive: true })
        writeFileSync(path.join(own, name), bytes)
      }
      expect(locate('fashion-mnist', dir)).toBe(own)
      expect(loadBuiltin('fashion-mnist', dir).train.count).toBe(5)
    },
  )

  it('says how to get a dataset that is not on this machine, and what an incomplete copy lacks', () => {
    const dir = tempDir()
    expect(() => loadBuiltin('cifar10', dir)).toThrow(
      /CIFAR-10 is not on this machine\. Download it \(.*cnn-studio datasets download cifar10.*about 170 MB\), or copy cifar-10-binary\.tar\.gz into .*cnn-studio datasets import cifar10 <folder>/,
    )
    const own = path.join(datasetFolder('cifar10', dir), 'cifar-10-batches-bin')
    mkdirSync(own, { recursive: true })
    for (const f of cifarFiles().slice(0, 3)) writeFileSync(path.join(own, f.path), f.bytes)
    expect(locate('cifar10', dir)).toBeUndefined()
    expect(() => loadBuiltin('cifar10', dir)).toThrow(
      /lacks data_batch_4\.bin, data_batch_5\.bin, test_batch\.bin/,
    )
    expect(() => loadBuiltin('imagenet' as BuiltinDataset, dir)).toThrow(
      "There is no built-in dataset 'imagenet'; the built-ins are mnist, fashion-mnist, cifar10.",
    )
  })

  it('loads a built-in by id or reference, and an image folder at the size asked for', () => {
    const dir = tempDir()
    const own = datasetFolder('mnist', dir)
    mkdirSync(own, { recursive: true })
    for (const [name, bytes] of mnistFiles()) writeFileSync(path.join(own, name), bytes)
    expect(loadDataset(datasetRefOf('mnist')!, dir).train.count).toBe(5)
    expect(loadDataset({ builtin: 'mnist' }, dir).id).toBe('mnist')
    const images = tempDir('images-')
    for (const c of ['a', 'b']) {
      mkdirSync(path.join(images, c))
      writeFileSync(
        path.join(images, c, 'x.png'),
        pngBytes(8, 8, () => [10, 20, 30, 255]),
      )
    }
    const ds = loadDataset({ folder: images }, dir, { height: 5, width: 6, channels: 3 })
    expect(ds.train).toMatchObject({ height: 5, width: 6, channels: 3, count: 2 })
  })
})

describe('downloads (from a local test server)', () => {
  it('downloads the four MNIST files, checks their checksums, reports progress and puts them in place', async () => {
    const files = mnistFiles(30_000) // a training-images file of about 480 KB: several progress reports
    publish('mnist', files)
    const dir = tempDir()
    const progress: DownloadProgress[] = []
    const where = await download('mnist', dir, {
      baseUrl: `${base}/mnist`,
      onProgress: (p) => progress.push(p),
    })
    expect(where).toBe(datasetFolder('mnist', dir))
    expect(readdirSync(where).sort()).toEqual([...files.keys()].sort())
    expect(readdirSync(path.join(dir, 'datasets'))).toEqual(['mnist']) // no temporary folder left
    const images = progress.filter((p) => p.file === 'train-images-idx3-ubyte.gz')
    const size = files.get('train-images-idx3-ubyte.gz')!.length
    expect(images.length).toBeGreaterThan(2)
    expect(images.every((p) => p.total === size)).toBe(true)
    expect(images.map((p) => p.bytes)).toEqual([...images.map((p) => p.bytes)].sort((a, b) => a - b))
    expect(images.at(-1)!.bytes).toBe(size)
    expect(new Set(progress.map((p) => p.file))).toEqual(new Set(files.keys()))
    const ds = loadBuiltin('mnist', dir)
    expect([ds.train.count, ds.test.count]).toEqual([30_000, 2])
  })

  it('downloads CIFAR-10’s archive and extracts it', async () => {
    const archive = gzipSync(
      tarBytes(cifarFiles(3).map((f) => ({ ...f, path: `cifar-10-batches-bin/${f.path}` }))),
    )
    publish('cifar10', new Map([['cifar-10-binary.tar.gz', archive]]))
    const dir = tempDir()
    const progress: number[] = []
    const where = await download('cifar10', dir, {
      baseUrl: `${base}/cifar10/`,
      onProgress: (p) => progress.push(p.bytes),
    })
    expect(where).toBe(path.join(datasetFolder('cifar10', dir), 'cifar-10-batches-bin'))
    expect(progress.at(-1)).toBe(archive.length)
    expect(existsSync(path.join(datasetFolder('cifar10', dir), 'cifar-10-binary.tar.gz'))).toBe(false)
    const ds = loadBuiltin('cifar10', dir)
    expect([ds.train.count, ds.test.count, ds.classes[0]]).toEqual([15, 3, 'airplane'])
  })

  it('deletes a file whose checksum does not match, says so, and keeps the copy it had', async () => {
    const files = mnistFiles()
    publish('mnist', files)
    const dir = tempDir()
    await download('mnist', dir, { baseUrl: `${base}/mnist` })
    const expected = BUILTINS.mnist.files[1].md5
    served.set('mnist/train-labels-idx1-ubyte.gz', new Uint8Array([1, 2, 3]))
    const error = await download('mnist', dir, { baseUrl: `${base}/mnist` }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DatasetFileError)
    expect((error as Error).message).toMatch(
      new RegExp(
        `^train-labels-idx1-ubyte\\.gz from ${base}/mnist/train-labels-idx1-ubyte\\.gz failed its checksum \\(MD5 ${md5(new Uint8Array([1, 2, 3]))}, expected ${expected}\\): it was deleted, not kept\\.`,
      ),
    )
    expect(readdirSync(path.join(dir, 'datasets'))).toEqual(['mnist'])
    expect(readFileSync(path.join(datasetFolder('mnist', dir), 'train-labels-idx1-ubyte.gz'))).toEqual(
      Buffer.from(files.get('train-labels-idx1-ubyte.gz')!),
    )

    // Nothing is left of a first download that fails.
    const fresh = tempDir()
    await expect(download('mnist', fresh, { baseUrl: `${base}/mnist` })).rejects.toThrow(
      /failed its checksum/,
    )
    expect(readdirSync(path.join(fresh, 'datasets'))).toEqual([])
  })

  it('says the machine may be offline when the host refuses the connection, naming the URL and how to import', async () => {
    const port = await closedPort()
    const dir = tempDir()
    await expect(download('fashion-mnist', dir, { baseUrl: `http://127.0.0.1:${port}` })).rejects.toThrow(
      new RegExp(
        `^Could not download http://127\\.0\\.0\\.1:${port}/train-images-idx3-ubyte\\.gz \\(ECONNREFUSED\\): this machine may be offline, or the server cannot be reached\\. To use files you already have instead, copy train-images-idx3-ubyte\\.gz, .* into .*fashion-mnist, or import files you already have with \`cnn-studio datasets import fashion-mnist <folder>\`; on Debian, apt-get install dataset-fashion-mnist\\.$`,
      ),
    )
    expect(readdirSync(path.join(dir, 'datasets'))).toEqual([])
  })

  it('reports a server error, a connection that breaks off, and a fetch that fails', async () => {
    await expect(download('mnist', tempDir(), { baseUrl: `${base}/nothing-here` })).rejects.toThrow(
      `Could not download ${base}/nothing-here/train-images-idx3-ubyte.gz: the server answered 404 Not Found.`,
    )
    served.set('cut/train-images-idx3-ubyte.gz', (res) => {
      res.writeHead(200, { 'content-length': 100_000 })
      res.write(Buffer.alloc(1000))
      setTimeout(() => res.destroy(), 20)
    })
    const dir = tempDir()
    await expect(download('mnist', dir, { baseUrl: `${base}/cut` })).rejects.toThrow(
      /Could not download .*train-images-idx3-ubyte\.gz \((the connection broke after 1000 bytes|the server sent 1000 of the 100000 bytes).*offline/,
    )
    expect(readdirSync(path.join(dir, 'datasets'))).toEqual([])
    const failing = (() =>
      Promise.reject(
        new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND') }),
      )) as typeof fetch
    await expect(download('cifar10', tempDir(), { fetch: failing })).rejects.toThrow(
      /^Could not download https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz \(getaddrinfo ENOTFOUND\): this machine may be offline/,
    )
  })

  it('says a cancelled download was cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(download('mnist', tempDir(), { baseUrl: base, signal: controller.signal })).rejects.toThrow(
      /was cancelled; nothing was kept/,
    )
  })
})

describe('importing local files', () => {
  it.runIf(existsSync(DEBIAN_FASHION_MNIST))(
    'imports a folder of IDX files after checking they parse',
    () => {
      const dir = tempDir()
      const where = importLocal('fashion-mnist', DEBIAN_FASHION_MNIST, dir)
      expect(where).toBe(datasetFolder('fashion-mnist', dir))
      expect(readdirSync(where).sort()).toEqual([
        't10k-images-idx3-ubyte.gz',
        't10k-labels-idx1-ubyte.gz',
        'train-images-idx3-ubyte.gz',
        'train-labels-idx1-ubyte.gz',
      ])
    },
  )

  it('refuses damaged files, leaving what was there', () => {
    const dir = tempDir()
    const good = tempDir('src-')
    for (const [name, bytes] of mnistFiles()) writeFileSync(path.join(good, name), bytes)
    importLocal('mnist', good, dir)
    const bad = tempDir('src-')
    for (const [name, bytes] of mnistFiles()) writeFileSync(path.join(bad, name), bytes)
    writeFileSync(path.join(bad, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([9], [])))
    expect(() => importLocal('mnist', bad, dir)).toThrow(
      `${path.join(bad, 't10k-labels-idx1-ubyte.gz')}: the header promises 9 = 9 bytes of data but the file holds 0. The file is truncated or not what its name says. Download the file again, or use the one from the dataset as published.`,
    )
    expect(readdirSync(path.join(dir, 'datasets'))).toEqual(['mnist'])
    expect(loadBuiltin('mnist', dir).train.count).toBe(5)
    expect(() => importLocal('mnist', path.join(bad, 'nope'), dir)).toThrow(/nope does not exist/)
    expect(() => importLocal('mnist', path.join(bad, 't10k-labels-idx1-ubyte.gz'), dir)).toThrow(
      /is a file: give the folder holding train-images-idx3-ubyte\.gz/,
    )
    expect(() => importLocal('mnist', tempDir(), dir)).toThrow(/does not hold the MNIST IDX files/)
  })

  it("names the user's file in every error, never the temporary copy", () => {
    const dir = tempDir()
    const src = tempDir('src-')
    mkdirSync(path.join(src, 'MNIST', 'raw'), { recursive: true })
    for (const [name, bytes] of mnistFiles()) writeFileSync(path.join(src, 'MNIST', 'raw', name), bytes)
    const images = path.join(src, 'MNIST', 'raw', 'train-images-idx3-ubyte.gz')
    writeFileSync(images, Buffer.from('not an idx file'))
    const message = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        return (e as Error).message
      }
      throw new Error('expected an error')
    }
    expect(message(() => importLocal('mnist', src, dir))).toBe(
      `${images}: not an IDX file (it must start with two zero bytes, a type and a rank). Download the file again, or use the one from the dataset as published.`,
    )
    rmSync(images)
    expect(message(() => importLocal('mnist', src, dir))).toMatch(
      new RegExp(`^${path.join(src, 'MNIST', 'raw', 'train-images-idx3-ubyte')}\\.gz is missing`),
    )

    // CIFAR-10, from a folder of batches: the batch by its own path.
    const folder = tempDir('src-')
    for (const f of cifarFiles()) writeFileSync(path.join(folder, f.path), f.bytes)
    writeFileSync(path.join(folder, 'data_batch_3.bin'), new Uint8Array(100))
    expect(message(() => importLocal('cifar10', folder, dir))).toBe(
      `${path.join(folder, 'data_batch_3.bin')}: 100 bytes is not a whole number of CIFAR-10 records (3073 bytes each: a label and 32×32×3 pixels). The file is truncated or not a CIFAR-10 binary batch: download cifar-10-binary.tar.gz again.`,
    )

    // From the archive: the archive and the member.
    const archive = path.join(tempDir('src-'), 'cifar-10-binary.tar.gz')
    const members = cifarFiles().map((f) => ({ ...f, path: `cifar-10-batches-bin/${f.path}` }))
    members[1] = { ...members[1], bytes: new Uint8Array(100) }
    writeFileSync(archive, gzipSync(tarBytes(members)))
    expect(message(() => importLocal('cifar10', archive, dir))).toMatch(
      new RegExp(`^${archive}: cifar-10-batches-bin/data_batch_2\\.bin: 100 bytes is not a whole number`),
    )
    writeFileSync(archive, gzipSync(tarBytes(members.filter((m) => !m.path.endsWith('test_batch.bin')))))
    expect(message(() => importLocal('cifar10', archive, dir))).toMatch(
      new RegExp(`^${archive}: cifar-10-batches-bin lacks test_batch\\.bin: CIFAR-10 needs all of`),
    )
    // Nothing was kept, and no error named a folder that no longer exists.
    expect(existsSync(path.join(dir, 'datasets'))).toBe(true)
    expect(readdirSync(path.join(dir, 'datasets'))).toEqual([])
  })

  it('finds torchvision’s MNIST/raw layout', () => {
    const src = tempDir('src-')
    mkdirSync(path.join(src, 'MNIST', 'raw'), { recursive: true })
    for (const [name, bytes] of mnistFiles()) writeFileSync(path.join(src, 'MNIST', 'raw', name), bytes)
    const dir = tempDir()
    importLocal('mnist', src, dir)
    expect(loadBuiltin('mnist', dir).test.count).toBe(2)
  })

  it('imports CIFAR-10 from its folder of batches or from cifar-10-binary.tar.gz', () => {
    const folder = tempDir('src-')
    for (const f of cifarFiles()) writeFileSync(path.join(folder, f.path), f.bytes)
    const dir = tempDir()
    expect(importLocal('cifar10', folder, dir)).toBe(
      path.join(datasetFolder('cifar10', dir), 'cifar-10-batches-bin'),
    )
    expect(loadBuiltin('cifar10', dir).train.count).toBe(10)

    const archive = path.join(tempDir('src-'), 'cifar-10-binary.tar.gz')
    writeFileSync(
      archive,
      gzipSync(tarBytes(cifarFiles(4).map((f) => ({ ...f, path: `cifar-10-batches-bin/${f.path}` })))),
    )
    importLocal('cifar10', archive, dir)
    expect(loadBuiltin('cifar10', dir).train.count).toBe(20)
    importLocal('cifar10', path.dirname(archive), dir)

    writeFileSync(archive, Buffer.from('not gzip'))
    expect(() => importLocal('cifar10', archive, dir)).toThrow(
      /cifar-10-binary\.tar\.gz: the gzip data is damaged/,
    )
    expect(loadBuiltin('cifar10', dir).train.count).toBe(20)
    expect(() => importLocal('cifar10', tempDir(), dir)).toThrow(/holds no CIFAR-10 binary batches/)
  })
})
