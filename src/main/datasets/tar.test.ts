import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-kit'
import { extractTarGz, readTar, TarReader } from './tar'
import { concat, tarBytes } from './test-kit'

const text = (s: string) => new TextEncoder().encode(s)
const big = Uint8Array.from({ length: 5000 }, (_, i) => i % 251)

describe('tar archives', () => {
  const archive = tarBytes([
    { path: 'dir/', bytes: new Uint8Array(), type: '5' },
    { path: 'dir/a.bin', bytes: big },
    { path: 'dir/link', bytes: new Uint8Array(), type: '2' },
    { path: 'empty.txt', bytes: new Uint8Array() },
    { path: 'dir/b.txt', bytes: text('hello') },
  ])

  it('reads the regular files with their bytes, skipping folders and links', () => {
    const files = readTar(archive, 'x.tar')
    expect(files.map((f) => f.path)).toEqual(['dir/a.bin', 'empty.txt', 'dir/b.txt'])
    expect(files[0].bytes).toEqual(big)
    expect(new TextDecoder().decode(files[2].bytes)).toBe('hello')
  })

  it('reads the same whatever the chunk sizes the bytes arrive in', () => {
    for (const size of [1, 7, 511, 512, 513, 4096]) {
      const got: Record<string, number[]> = {}
      const reader = new TarReader('x.tar', (p) => {
        got[p] = []
        return (chunk) => got[p].push(...chunk)
      })
      for (let at = 0; at < archive.length; at += size) reader.push(archive.subarray(at, at + size))
      reader.finish()
      expect(Object.keys(got)).toEqual(['dir/a.bin', 'empty.txt', 'dir/b.txt'])
      expect(got['dir/a.bin']).toEqual(Array.from(big))
    }
  })

  it('honours GNU long names', () => {
    const long = `${'d'.repeat(80)}/${'f'.repeat(60)}.bin`
    const files = readTar(
      tarBytes([
        { path: '././@LongLink', bytes: text(`${long}\0`), type: 'L' },
        { path: long.slice(0, 100), bytes: text('x') },
      ]),
      'gnu.tar',
    )
    expect(files.map((f) => f.path)).toEqual([long])
  })

  it('refuses entries that escape the folder, damaged headers, truncated archives and other files', () => {
    expect(() => readTar(tarBytes([{ path: '../evil', bytes: text('x') }]), 'bad.tar')).toThrow(
      'bad.tar: refusing the entry ../evil, which points outside its folder.',
    )
    expect(() => readTar(tarBytes([{ path: '/etc/passwd', bytes: text('x') }]), 'bad.tar')).toThrow(
      /refusing/,
    )
    const damaged = archive.slice()
    damaged[6144 + 10] ^= 0xff // the third header: after dir/, a.bin's header and its 10 blocks
    expect(() => readTar(damaged, 'd.tar')).toThrow(/d\.tar: the tar header at byte 6144 is damaged/)
    expect(() => readTar(archive.subarray(0, 3000), 'cut.tar')).toThrow(
      'cut.tar: the archive ends inside dir/a.bin; it is truncated. Download it again.',
    )
    expect(() => readTar(text('just some text'.repeat(50)), 'notes.txt')).toThrow(
      'notes.txt is not a tar archive.',
    )
    expect(() => readTar(new Uint8Array(1024), 'zeros.tar')).toThrow('zeros.tar: the archive holds no files.')
  })

  it('extracts a .tar.gz file streaming, and names a damaged one', async () => {
    const dir = tempDir('tar-')
    const file = path.join(dir, 'a.tar.gz')
    writeFileSync(file, gzipSync(archive))
    const out = path.join(dir, 'out')
    expect(await extractTarGz(file, out)).toEqual(['dir/a.bin', 'empty.txt', 'dir/b.txt'])
    expect(new Uint8Array(readFileSync(path.join(out, 'dir', 'a.bin')))).toEqual(big)
    expect(readFileSync(path.join(out, 'empty.txt')).length).toBe(0)

    const gz = gzipSync(archive)
    writeFileSync(file, gz.subarray(0, gz.length - 20))
    await expect(extractTarGz(file, path.join(dir, 'cut'))).rejects.toThrow(
      /^a\.tar\.gz: the gzip data is damaged/,
    )
    writeFileSync(file, concat(text('not gzip at all')))
    await expect(extractTarGz(file, path.join(dir, 'x'))).rejects.toThrow(
      /a\.tar\.gz: the gzip data is damaged/,
    )
  })
})
