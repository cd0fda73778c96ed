import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-kit'
import { decodeImage, loadImageFolder, resizeInto, sniffImage } from './image-folder'
import { classCounts } from './split'
import { jpegBytes, pngBytes } from './test-kit'

const write = (file: string, bytes: Uint8Array | string) => {
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, bytes)
}

describe('image folders', () => {
  it('reads one sub-folder per class, resizes, converts to grayscale, and lists unreadable files', () => {
    const dir = tempDir('images-')
    for (let i = 0; i < 6; i++) {
      write(
        path.join(dir, 'cats', `c${i}.png`),
        pngBytes(16, 8, () => [255, 0, 0, 255]),
      )
      write(path.join(dir, 'dogs', `d${i}.jpg`), jpegBytes(10, 10, [200, 200, 200]))
    }
    write(path.join(dir, 'dogs', 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))
    write(path.join(dir, 'cats', 'notes.txt'), 'hello')
    write(path.join(dir, 'cats', '.DS_Store'), 'hidden files are not reported')
    const ds = loadImageFolder(dir, { height: 4, width: 4, channels: 1 })
    expect(ds.classes).toEqual(['cats', 'dogs'])
    expect(ds.id).toBe(`folder:${dir}`)
    // A seeded, stratified sixth of each class is the test split.
    expect([ds.train.count, ds.test.count]).toEqual([10, 2])
    expect(classCounts(ds.train.labels, 2)).toEqual([5, 5])
    expect(classCounts(ds.test.labels, 2)).toEqual([1, 1])
    expect(ds.train).toMatchObject({ height: 4, width: 4, channels: 1 })
    expect(ds.train.images.length).toBe(10 * 16)
    // Red → luma 76; the JPEG's grey 200 stays about 200.
    const cat = ds.train.images[Array.from(ds.train.labels).indexOf(0) * 16]
    const dog = ds.train.images[Array.from(ds.train.labels).indexOf(1) * 16]
    expect(cat).toBe(76)
    expect(Math.abs(dog - 200)).toBeLessThanOrEqual(2)
    expect(ds.skipped.map((s) => path.basename(s.file))).toEqual(['notes.txt', 'broken.jpg'])
    expect(ds.skipped[0].reason).toBe('not a PNG or JPEG image.')
    expect(ds.skipped[1].reason).toMatch(/^the JPEG data cannot be decoded \(/)
    // The same seed gives the same split; another seed may give another.
    const again = loadImageFolder(dir, { height: 4, width: 4, channels: 1 })
    expect(again.test.labels).toEqual(ds.test.labels)
    expect(again.contentHash).toBe(ds.contentHash)
  })

  it('recognises images by their content, and names formats it does not read', () => {
    const dir = tempDir('images-')
    write(
      path.join(dir, 'a', 'really-a-png.jpg'),
      pngBytes(2, 2, () => [0, 0, 0, 255]),
    )
    write(path.join(dir, 'a', 'x.gif'), Buffer.from('GIF89a......'))
    write(
      path.join(dir, 'b', 'y.PNG'),
      pngBytes(2, 2, () => [255, 255, 255, 255]),
    )
    write(path.join(dir, 'b', 'nested', 'z.jpeg'), jpegBytes(3, 3, [255, 255, 255]))
    const ds = loadImageFolder(dir, { height: 2, width: 2, channels: 3 })
    expect(ds.train.count + ds.test.count).toBe(3)
    expect(ds.skipped).toEqual([
      {
        file: path.join(dir, 'a', 'x.gif'),
        reason: 'a GIF image; only PNG and JPEG are read. Convert it to PNG.',
      },
    ])
    expect(sniffImage(new Uint8Array([0x42, 0x4d, 0, 0]))).toBe('bmp')
    expect(() =>
      decodeImage('q.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])),
    ).toThrow(/^q\.png: the PNG data cannot be decoded/)
  })

  it('uses train/ and test/ when both exist, and checks their class names agree', () => {
    const dir = tempDir('images-')
    for (const split of ['train', 'test'])
      for (const c of ['a', 'b'])
        write(
          path.join(dir, split, c, 'x.png'),
          pngBytes(2, 2, () => [0, 0, 255, 255]),
        )
    const ds = loadImageFolder(dir, { height: 2, width: 2, channels: 3 })
    expect(ds.classes).toEqual(['a', 'b'])
    expect([ds.train.count, ds.test.count]).toEqual([2, 2])
    expect(Array.from(ds.train.images.subarray(0, 3))).toEqual([0, 0, 255])

    write(
      path.join(dir, 'test', 'c', 'x.png'),
      pngBytes(2, 2, () => [0, 0, 255, 255]),
    )
    expect(() => loadImageFolder(dir, { height: 2, width: 2, channels: 3 })).toThrow(
      /test has class folders that .*train lacks: c\. The two splits must use the same class names/,
    )
  })

  it('splits train/ alone (no test folder) as a flat folder would be', () => {
    const dir = tempDir('images-')
    for (const c of ['a', 'b'])
      for (let i = 0; i < 12; i++)
        write(
          path.join(dir, 'train', c, `${i}.png`),
          pngBytes(1, 1, () => [i, i, i, 255]),
        )
    const ds = loadImageFolder(dir, { height: 1, width: 1, channels: 1 })
    expect([ds.train.count, ds.test.count]).toEqual([20, 4])
    expect(classCounts(ds.test.labels, 2)).toEqual([2, 2])
  })

  it('composites transparency on white', () => {
    const out = new Uint8Array(1)
    const half = { width: 2, height: 1, rgba: Uint8Array.of(0, 0, 0, 255, 0, 0, 0, 0) }
    resizeInto(half, { height: 1, width: 1, channels: 1 }, out, 0)
    expect(out[0]).toBe(128)
    const rgb = new Uint8Array(3)
    resizeInto(
      { width: 1, height: 1, rgba: Uint8Array.of(255, 0, 0, 128) },
      { height: 1, width: 1, channels: 3 },
      rgb,
      0,
    )
    expect(Array.from(rgb)).toEqual([255, 127, 127])
  })

  it('averages the covered area when shrinking, also by fractional factors', () => {
    // 3 pixels → 2: each output pixel covers 1.5 source pixels.
    const src = {
      width: 3,
      height: 1,
      rgba: Uint8Array.of(0, 0, 0, 255, 90, 90, 90, 255, 180, 180, 180, 255),
    }
    const out = new Uint8Array(2)
    resizeInto(src, { height: 1, width: 2, channels: 1 }, out, 0)
    expect(Array.from(out)).toEqual([30, 150]) // (0 + 0.5·90) / 1.5, (0.5·90 + 180) / 1.5
    // A 1-pixel-wide stripe pattern shrunk by 4 averages to grey rather than aliasing.
    const stripes = new Uint8Array(8 * 8 * 4)
    for (let i = 0; i < 64; i++) stripes.set(i % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255], i * 4)
    const small = new Uint8Array(4)
    resizeInto({ width: 8, height: 8, rgba: stripes }, { height: 2, width: 2, channels: 1 }, small, 0)
    expect(Array.from(small)).toEqual([128, 128, 128, 128])
  })

  it('interpolates bilinearly when enlarging, and leaves an image of the same size unchanged', () => {
    const src = { width: 2, height: 1, rgba: Uint8Array.of(0, 0, 0, 255, 200, 200, 200, 255) }
    const out = new Uint8Array(4)
    resizeInto(src, { height: 1, width: 4, channels: 1 }, out, 0)
    expect(Array.from(out)).toEqual([0, 50, 150, 200])
    const same = new Uint8Array(2)
    resizeInto(src, { height: 1, width: 2, channels: 1 }, same, 0)
    expect(Array.from(same)).toEqual([0, 200])
    // Shrinking one axis while enlarging the other: area along x, bilinear along y.
    const tall = new Uint8Array(2)
    resizeInto(src, { height: 2, width: 1, channels: 1 }, tall, 0)
    expect(Array.from(tall)).toEqual([100, 100])
  })

  it('refuses a missing folder, an empty one, one without class sub-folders, and empty classes', () => {
    const size = { height: 2, width: 2, channels: 1 }
    const dir = tempDir('images-')
    expect(() => loadImageFolder(path.join(dir, 'nope'), size)).toThrow(/nope does not exist/)
    write(path.join(dir, 'file.txt'), 'x')
    expect(() => loadImageFolder(path.join(dir, 'file.txt'), size)).toThrow(/file\.txt is not a folder/)

    const empty = tempDir('images-')
    expect(() => loadImageFolder(empty, size)).toThrow(
      /has no class sub-folders: it is empty\. Put each class/,
    )

    const loose = tempDir('images-')
    write(
      path.join(loose, 'a.png'),
      pngBytes(1, 1, () => [0, 0, 0, 255]),
    )
    expect(() => loadImageFolder(loose, size)).toThrow(
      /has no class sub-folders \(it holds 1 images directly\)/,
    )

    const one = tempDir('images-')
    write(
      path.join(one, 'only', 'a.png'),
      pngBytes(1, 1, () => [0, 0, 0, 255]),
    )
    expect(() => loadImageFolder(one, size)).toThrow(/only one class sub-folder \(only\)/)

    const bad = tempDir('images-')
    write(path.join(bad, 'a', 'x.png'), 'garbage')
    write(
      path.join(bad, 'b', 'y.png'),
      pngBytes(1, 1, () => [0, 0, 0, 255]),
    )
    expect(() => loadImageFolder(bad, size)).toThrow(
      /no readable PNG or JPEG images for the class a \(1 files skipped, e\.g\. .*x\.png: not a PNG or JPEG image\.\)/,
    )
    mkdirSync(path.join(bad, 'c'))
    write(path.join(bad, 'b', 'z.png'), 'garbage')
    write(path.join(bad, 'a', 'x.png'), 'garbage')
    expect(() => loadImageFolder(bad, size)).toThrow(/for the classes a, c/)
  })

  it('refuses sizes it cannot produce', () => {
    const dir = tempDir('images-')
    expect(() => loadImageFolder(dir, { height: 0, width: 2, channels: 1 })).toThrow(
      /1 to 4096 pixels a side; 0×2/,
    )
    expect(() => loadImageFolder(dir, { height: 2, width: 2, channels: 4 })).toThrow(
      /1 channel .* or 3 \(RGB\); 4/,
    )
  })

  it('reports loose images beside the class folders as skipped', () => {
    const dir = tempDir('images-')
    for (const c of ['a', 'b'])
      write(
        path.join(dir, c, 'x.png'),
        pngBytes(1, 1, () => [0, 0, 0, 255]),
      )
    write(
      path.join(dir, 'stray.png'),
      pngBytes(1, 1, () => [0, 0, 0, 255]),
    )
    write(path.join(dir, 'README.md'), 'text files beside the classes are not images: not reported')
    const ds = loadImageFolder(dir, { height: 1, width: 1, channels: 1 })
    expect(ds.skipped).toEqual([{ file: path.join(dir, 'stray.png'), reason: 'not in a class sub-folder' }])
  })
})
