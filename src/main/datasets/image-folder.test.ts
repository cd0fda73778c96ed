import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-db'
import { loadImageFolder, resizeInto } from './image-folder'

function png(w: number, h: number, rgba: (x: number, y: number) => [number, number, number, number]): Buffer {
  const img = new PNG({ width: w, height: h })
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data.set(rgba(x, y), (y * w + x) * 4)
  return PNG.sync.write(img)
}
function jpg(w: number, h: number, value: number): Buffer {
  const data = Buffer.alloc(w * h * 4, value)
  return jpeg.encode({ data, width: w, height: h }, 95).data
}

describe('image folders', () => {
  it('reads one sub-folder per class, resizes, converts, and lists unreadable files', () => {
    const dir = tempDir('images-')
    mkdirSync(path.join(dir, 'cats'))
    mkdirSync(path.join(dir, 'dogs'))
    for (let i = 0; i < 6; i++) {
      writeFileSync(
        path.join(dir, 'cats', `c${i}.png`),
        png(16, 8, () => [255, 0, 0, 255]),
      )
      writeFileSync(path.join(dir, 'dogs', `d${i}.jpg`), jpg(10, 10, 200))
    }
    writeFileSync(path.join(dir, 'dogs', 'broken.jpg'), Buffer.from('not a jpeg'))
    writeFileSync(path.join(dir, 'cats', 'notes.txt'), 'hello')
    const ds = loadImageFolder(dir, { height: 4, width: 4, channels: 1 })
    expect(ds.classes).toEqual(['cats', 'dogs'])
    // A seeded, stratified sixth of each class is the test split.
    expect([ds.train.count, ds.test.count]).toEqual([10, 2])
    expect(Array.from(ds.test.labels).sort()).toEqual([0, 1])
    // Red → luma 76; the JPEG's grey 200 stays about 200.
    const cat = ds.train.images[Array.from(ds.train.labels).indexOf(0) * 16]
    const dog = ds.train.images[Array.from(ds.train.labels).indexOf(1) * 16]
    expect(cat).toBe(76)
    expect(Math.abs(dog - 200)).toBeLessThanOrEqual(2)
    expect(ds.skipped.map((s) => [path.basename(s.file), s.reason.split(' (')[0]])).toEqual([
      ['notes.txt', 'not a PNG or JPEG file'],
      ['broken.jpg', 'cannot be decoded'],
    ])
    expect(loadImageFolder(dir, { height: 4, width: 4, channels: 1 }).test.labels).toEqual(ds.test.labels)
  })

  it('uses train/ and test/ when both exist', () => {
    const dir = tempDir('images-')
    for (const split of ['train', 'test'])
      for (const c of ['a', 'b']) {
        mkdirSync(path.join(dir, split, c), { recursive: true })
        writeFileSync(
          path.join(dir, split, c, 'x.png'),
          png(2, 2, () => [0, 0, 255, 255]),
        )
      }
    const ds = loadImageFolder(dir, { height: 2, width: 2, channels: 3 })
    expect([ds.train.count, ds.test.count]).toEqual([2, 2])
    expect(Array.from(ds.train.images.subarray(0, 3))).toEqual([0, 0, 255])
  })

  it('composites transparency on white and averages when shrinking', () => {
    const out = new Uint8Array(1)
    const half = { width: 2, height: 1, rgba: Uint8Array.of(0, 0, 0, 255, 0, 0, 0, 0) }
    resizeInto(half, { height: 1, width: 1, channels: 1 }, out, 0)
    expect(out[0]).toBe(128)
  })

  it('refuses a folder without class sub-folders or without images', () => {
    const dir = tempDir('images-')
    expect(() => loadImageFolder(path.join(dir, 'nope'), { height: 2, width: 2, channels: 1 })).toThrow(
      /is not a folder/,
    )
    expect(() => loadImageFolder(dir, { height: 2, width: 2, channels: 1 })).toThrow(/no class sub-folders/)
    mkdirSync(path.join(dir, 'a'))
    mkdirSync(path.join(dir, 'b'))
    writeFileSync(path.join(dir, 'a', 'x.png'), 'garbage')
    expect(() => loadImageFolder(dir, { height: 2, width: 2, channels: 1 })).toThrow(
      /no readable PNG or JPEG images.*1 files skipped/,
    )
  })
})
