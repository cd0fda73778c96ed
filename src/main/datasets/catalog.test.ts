import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-db'
import { BUILTINS, DEBIAN_FASHION_MNIST, download, loadBuiltin, locate } from './catalog'

/** A tar archive of regular files (ustar headers), as the CIFAR-10 download is. */
function tar(files: { path: string; bytes: Uint8Array }[]): Uint8Array {
  const blocks: Uint8Array[] = []
  for (const f of files) {
    const h = new Uint8Array(512)
    const put = (s: string, at: number) => h.set(new TextEncoder().encode(s), at)
    put(f.path, 0)
    put('0000644\0', 100)
    put(f.bytes.length.toString(8).padStart(11, '0') + '\0', 124)
    put('0', 156)
    put('ustar\0', 257)
    blocks.push(h, f.bytes, new Uint8Array((512 - (f.bytes.length % 512)) % 512))
  }
  blocks.push(new Uint8Array(1024))
  return Uint8Array.from(blocks.flatMap((b) => Array.from(b)))
}

let server: Server
let base: string
const served = new Map<string, Uint8Array>()
beforeAll(async () => {
  server = createServer((req, res) => {
    const body = served.get(req.url!.slice(1))
    if (!body) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-length': body.length }).end(Buffer.from(body))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((r) => server.close(r)))

describe('built-in datasets', () => {
  it('finds Debian’s Fashion-MNIST and loads it whole (60,000 + 10,000, 6,000 per class)', () => {
    if (!existsSync(DEBIAN_FASHION_MNIST)) return
    const dir = tempDir()
    expect(locate('fashion-mnist', dir)).toBe(DEBIAN_FASHION_MNIST)
    const ds = loadBuiltin('fashion-mnist', dir)
    expect([ds.train.count, ds.test.count, ds.train.height, ds.train.channels]).toEqual([
      60_000, 10_000, 28, 1,
    ])
    const perClass = new Array(10).fill(0)
    for (const l of ds.train.labels) perClass[l]++
    expect(perClass).toEqual(new Array(10).fill(6000))
    expect(ds.contentHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('says how to get a dataset that is not on this machine', () => {
    expect(() => loadBuiltin('cifar10', tempDir())).toThrow(
      /CIFAR-10 is not on this machine\. Download it .* or copy cifar-10-binary\.tar\.gz into/,
    )
  })

  it('downloads, checks the checksum, extracts and reports progress', async () => {
    const record = new Uint8Array(3073)
    record[0] = 4
    const names = [1, 2, 3, 4, 5]
      .map((i) => `cifar-10-batches-bin/data_batch_${i}.bin`)
      .concat('cifar-10-batches-bin/test_batch.bin')
    const archive = gzipSync(tar(names.map((p) => ({ path: p, bytes: record }))))
    served.set('cifar-10-binary.tar.gz', archive)
    const md5 = createHash('md5').update(archive).digest('hex')
    const original = BUILTINS.cifar10.files[0].md5
    BUILTINS.cifar10.files[0].md5 = md5
    try {
      const dir = tempDir()
      const progress: number[] = []
      const folder = await download('cifar10', dir, {
        baseUrl: base,
        onProgress: (p) => progress.push(p.bytes),
      })
      expect(folder).toBe(path.join(dir, 'datasets', 'cifar10', 'cifar-10-batches-bin'))
      expect(progress.at(-1)).toBe(archive.length)
      const ds = loadBuiltin('cifar10', dir)
      expect([ds.train.count, ds.test.count, ds.train.labels[0]]).toEqual([5, 1, 4])
    } finally {
      BUILTINS.cifar10.files[0].md5 = original
    }
  })

  it('refuses a file whose checksum does not match, keeping nothing of it', async () => {
    served.set('train-images-idx3-ubyte.gz', new Uint8Array([1, 2, 3]))
    const dir = tempDir()
    await expect(download('mnist', dir, { baseUrl: base })).rejects.toThrow(
      /train-images-idx3-ubyte\.gz .* failed its checksum \(MD5 [0-9a-f]{32}, expected f68b3c2dcbeaaa9fbdd348bbdeb94873\): it was not kept/,
    )
    expect(readdirSync(path.join(dir, 'datasets', 'mnist'))).toEqual([])
  })

  it('says the machine may be offline when the host cannot be reached, and how to import instead', async () => {
    await expect(download('fashion-mnist', tempDir(), { baseUrl: 'http://127.0.0.1:9' })).rejects.toThrow(
      /Could not download http:\/\/127\.0\.0\.1:9\/train-images-idx3-ubyte\.gz .*offline\. Copy train-images-idx3-ubyte\.gz, .* into/,
    )
    await expect(download('mnist', tempDir(), { baseUrl: `${base}/missing` })).rejects.toThrow(/answered 404/)
  })
})

describe('importing local files', () => {
  it('imports a folder of IDX files after checking they parse, and refuses damaged ones leaving nothing', async () => {
    const { importLocal } = await import('./catalog')
    if (!existsSync(DEBIAN_FASHION_MNIST)) return
    const dir = tempDir()
    const where = importLocal('mnist', DEBIAN_FASHION_MNIST, dir)
    expect(where).toBe(path.join(dir, 'datasets', 'mnist'))
    expect(loadBuiltin('mnist', dir).train.count).toBe(60_000)

    const bad = tempDir()
    const { copyFileSync, writeFileSync } = await import('node:fs')
    for (const f of readdirSync(DEBIAN_FASHION_MNIST))
      copyFileSync(path.join(DEBIAN_FASHION_MNIST, f), path.join(bad, f))
    writeFileSync(
      path.join(bad, 't10k-labels-idx1-ubyte.gz'),
      gzipSync(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 9])),
    )
    const other = tempDir()
    expect(() => importLocal('fashion-mnist', bad, other)).toThrow(
      /t10k-labels-idx1-ubyte.*9 bytes of data but the file holds 0|promises/,
    )
    expect(existsSync(path.join(other, 'datasets', 'fashion-mnist'))).toBe(false)
    expect(() => importLocal('cifar10', tempDir(), other)).toThrow(/holds no CIFAR-10 binary batches/)
  })
})
