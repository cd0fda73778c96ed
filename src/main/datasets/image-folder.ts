import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { mulberry32, shuffled } from '../training/random'
import { contentHash } from './catalog'
import { DatasetFileError } from './idx'
import type { ImageSet, LoadedDataset } from './types'

export interface ImageSize {
  height: number
  width: number
  channels: number
}

const IMAGE = /\.(png|jpe?g)$/i

/** RGBA pixels of a PNG or JPEG file; throws with the decoder's reason. */
export function decodeImage(
  file: string,
  bytes: Buffer,
): { width: number; height: number; rgba: Uint8Array } {
  if (/\.png$/i.test(file)) {
    const png = PNG.sync.read(bytes)
    return { width: png.width, height: png.height, rgba: png.data }
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 })
  return { width: img.width, height: img.height, rgba: img.data }
}

/**
 * Writes an RGBA image into `out` at `size`: transparent pixels composited on white, averaged over
 * each target pixel's area when shrinking, bilinear when enlarging; 1 channel is the luma.
 */
export function resizeInto(
  src: { width: number; height: number; rgba: Uint8Array },
  size: ImageSize,
  out: Uint8Array,
  at: number,
) {
  const { width: sw, height: sh, rgba } = src
  const { width: tw, height: th, channels } = size
  const px = new Float64Array(3)
  const sample = (x: number, y: number, acc: Float64Array, weight: number) => {
    const i = (y * sw + x) * 4
    const a = rgba[i + 3] / 255
    for (let c = 0; c < 3; c++) acc[c] += weight * (rgba[i + c] * a + 255 * (1 - a))
  }
  for (let ty = 0; ty < th; ty++)
    for (let tx = 0; tx < tw; tx++) {
      px.fill(0)
      if (sw >= tw && sh >= th) {
        const [x0, x1] = [
          Math.floor((tx * sw) / tw),
          Math.max(Math.floor(((tx + 1) * sw) / tw), Math.floor((tx * sw) / tw) + 1),
        ]
        const [y0, y1] = [
          Math.floor((ty * sh) / th),
          Math.max(Math.floor(((ty + 1) * sh) / th), Math.floor((ty * sh) / th) + 1),
        ]
        const w = 1 / ((x1 - x0) * (y1 - y0))
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sample(x, y, px, w)
      } else {
        const fx = Math.min(Math.max(((tx + 0.5) * sw) / tw - 0.5, 0), sw - 1)
        const fy = Math.min(Math.max(((ty + 0.5) * sh) / th - 0.5, 0), sh - 1)
        const [x0, y0] = [Math.floor(fx), Math.floor(fy)]
        const [x1, y1] = [Math.min(x0 + 1, sw - 1), Math.min(y0 + 1, sh - 1)]
        const [ax, ay] = [fx - x0, fy - y0]
        sample(x0, y0, px, (1 - ax) * (1 - ay))
        sample(x1, y0, px, ax * (1 - ay))
        sample(x0, y1, px, (1 - ax) * ay)
        sample(x1, y1, px, ax * ay)
      }
      const o = at + (ty * tw + tx) * channels
      if (channels === 1) out[o] = Math.round(0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2])
      else for (let c = 0; c < channels; c++) out[o + c] = Math.round(px[Math.min(c, 2)])
    }
}

const subfolders = (dir: string) =>
  readdirSync(dir)
    .filter((d) => !d.startsWith('.') && statSync(path.join(dir, d)).isDirectory())
    .sort()

/** Decodes every image of a set of class folders; unreadable files are listed, not thrown. */
function readClasses(
  root: string,
  classes: string[],
  size: ImageSize,
  skipped: LoadedDataset['skipped'],
): ImageSet {
  const per = size.height * size.width * size.channels
  const images: Uint8Array[] = []
  const labels: number[] = []
  classes.forEach((name, label) => {
    const dir = path.join(root, name)
    if (!existsSync(dir)) return
    for (const f of readdirSync(dir).sort()) {
      const file = path.join(dir, f)
      if (f.startsWith('.') || !statSync(file).isFile()) continue
      if (!IMAGE.test(f)) {
        skipped.push({ file, reason: 'not a PNG or JPEG file' })
        continue
      }
      try {
        const out = new Uint8Array(per)
        resizeInto(decodeImage(f, readFileSync(file)), size, out, 0)
        images.push(out)
        labels.push(label)
      } catch (e) {
        skipped.push({ file, reason: `cannot be decoded (${(e as Error).message})` })
      }
    }
  })
  const all = new Uint8Array(images.length * per)
  images.forEach((img, i) => all.set(img, i * per))
  return { images: all, labels: Uint8Array.from(labels), count: images.length, ...size }
}

function subset(set: ImageSet, rows: Uint32Array): ImageSet {
  const per = set.height * set.width * set.channels
  const images = new Uint8Array(rows.length * per)
  rows.forEach((r, i) => images.set(set.images.subarray(r * per, (r + 1) * per), i * per))
  return { ...set, images, labels: Uint8Array.from(rows, (r) => set.labels[r]), count: rows.length }
}

/**
 * A folder of images with one sub-folder per class (or `train/` and `test/`, each so), decoded and
 * resized to `size`. Without a test folder, a seeded, stratified sixth of each class is the test
 * split. Unreadable files are reported in `skipped`; a folder without classes or images is an error.
 */
export function loadImageFolder(folder: string, size: ImageSize, seed = 1): LoadedDataset {
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new DatasetFileError(
      `${folder} is not a folder. Choose a folder with one sub-folder of images per class.`,
    )
  const split = existsSync(path.join(folder, 'train')) && existsSync(path.join(folder, 'test'))
  const classes = subfolders(split ? path.join(folder, 'train') : folder)
  if (classes.length < 2)
    throw new DatasetFileError(
      `${folder} has ${classes.length ? 'only one class sub-folder' : 'no class sub-folders'}: put each class's PNG or JPEG images in its own sub-folder (e.g. cats/, dogs/).`,
    )
  const skipped: LoadedDataset['skipped'] = []
  let train: ImageSet
  let test: ImageSet
  if (split) {
    train = readClasses(path.join(folder, 'train'), classes, size, skipped)
    test = readClasses(path.join(folder, 'test'), classes, size, skipped)
  } else {
    const all = readClasses(folder, classes, size, skipped)
    const testRows: number[] = []
    const trainRows: number[] = []
    const random = mulberry32(seed)
    classes.forEach((_, label) => {
      const rows = Array.from(all.labels.keys()).filter((i) => all.labels[i] === label)
      const order = shuffled(rows.length, random)
      const k = Math.round(rows.length / 6)
      order.forEach((o, j) => (j < k ? testRows : trainRows).push(rows[o]))
    })
    train = subset(all, Uint32Array.from(trainRows).sort())
    test = subset(all, Uint32Array.from(testRows).sort())
  }
  if (train.count === 0)
    throw new DatasetFileError(
      `${folder} holds no readable PNG or JPEG images in its class folders${skipped.length ? ` (${skipped.length} files skipped, e.g. ${skipped[0].file}: ${skipped[0].reason})` : ''}.`,
    )
  return {
    id: `folder:${path.resolve(folder)}`,
    name: path.basename(path.resolve(folder)),
    classes,
    train,
    test,
    source: path.resolve(folder),
    contentHash: contentHash({ train, test }),
    skipped,
  }
}
