import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs'
import path from 'node:path'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { datasetId } from '../../shared/training/dataset-id'
import { contentHash } from './hash'
import { DatasetFileError } from './idx'
import { stratifiedSplit } from './split'
import type { ImageSet, LoadedDataset } from './types'

export interface ImageSize {
  height: number
  /** Pixels per row. */
  width: number
  /** 1: grayscale (luma), 3: RGB. */
  channels: number
}

/** Decoded pixels: `width × height × 4` bytes, RGBA, row by row. */
export interface RgbaImage {
  width: number
  height: number
  rgba: Uint8Array
}

/** The share of each class held out as the test split when a folder has no `test/`. */
export const TEST_SHARE = 1 / 6
const MAX_SIDE = 4096
const MAX_DEPTH = 8
const TEST_NAMES = ['test', 'val', 'valid', 'validation']

/** What a file's first bytes say it is. */
export function sniffImage(bytes: Uint8Array): 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp' | 'tiff' | null {
  const at = (i: number, ...v: number[]) => v.every((b, k) => bytes[i + k] === b)
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png'
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpeg'
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'gif'
  if (at(0, 0x42, 0x4d)) return 'bmp'
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp'
  if (at(0, 0x49, 0x49, 0x2a, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2a)) return 'tiff'
  return null
}

/** Most pixels a PNG or JPEG may declare: 200 megapixels (800 MB decoded), as jpeg-js is told below. */
const MAX_MEGAPIXELS = 200
/** Deflate packs at most about 1,032 bytes into one: a PNG cannot hold more pixels than that allows. */
const DEFLATE_MAX_RATIO = 1032

/**
 * Refuses a PNG whose header declares more pixels than its bytes can hold, or than 200 megapixels,
 * before pngjs allocates them: a 78-byte file claiming 30,000×30,000 pixels decoded into 3.6 GB
 * (found by test/fuzz/parsers.test.ts). The smallest a PNG row can be is one filter byte and one bit
 * per pixel.
 */
function checkPngSize(file: string, bytes: Uint8Array): void {
  if (bytes.length < 24) return // too short for a header: the decoder says what is wrong
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const width = view.getUint32(16)
  const height = view.getUint32(20)
  const smallest = height * (1 + Math.ceil(width / 8))
  if (smallest > DEFLATE_MAX_RATIO * bytes.length)
    throw new DatasetFileError(
      `${file}: the header says ${width}×${height} pixels, but the file's ${bytes.length} bytes cannot hold them. The file is damaged or truncated.`,
    )
  if (width * height > MAX_MEGAPIXELS * 1e6)
    throw new DatasetFileError(
      `${file}: ${width}×${height} pixels is more than the ${MAX_MEGAPIXELS} megapixels read. Scale the image down.`,
    )
}

/**
 * RGBA pixels of a PNG or JPEG file, recognised by its content (not its name). Anything else, or a
 * file the decoder refuses, is a DatasetFileError with the reason.
 */
export function decodeImage(file: string, bytes: Uint8Array): RgbaImage {
  const kind = sniffImage(bytes)
  let img: RgbaImage
  try {
    if (kind === 'png') {
      checkPngSize(file, bytes)
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      img = { width: png.width, height: png.height, rgba: png.data }
    } else if (kind === 'jpeg') {
      const j = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxMemoryUsageInMB: 1024,
        maxResolutionInMP: MAX_MEGAPIXELS,
      })
      img = { width: j.width, height: j.height, rgba: j.data }
    } else
      throw new DatasetFileError(
        kind
          ? `${file}: a ${kind.toUpperCase()} image; only PNG and JPEG are read. Convert it to PNG.`
          : `${file}: not a PNG or JPEG image.`,
      )
  } catch (e) {
    if (e instanceof DatasetFileError) throw e
    throw new DatasetFileError(`${file}: the ${kind?.toUpperCase()} data cannot be decoded (${String(e)}).`)
  }
  if (img.width < 1 || img.height < 1 || img.rgba.length < img.width * img.height * 4)
    throw new DatasetFileError(`${file}: the image has no pixels (${img.width}×${img.height}).`)
  return img
}

/**
 * For each of `to` target positions along one axis, the source positions it reads and their
 * weights: the covered area when shrinking (each source pixel counted by how much of it the target
 * pixel covers), bilinear between the two nearest pixel centres otherwise.
 */
function axisWeights(
  from: number,
  to: number,
): { start: Int32Array; index: Int32Array; weight: Float32Array } {
  const start = new Int32Array(to + 1)
  const index: number[] = []
  const weight: number[] = []
  const add = (s: number, w: number) => {
    index.push(s)
    weight.push(w)
  }
  const scale = from / to
  for (let t = 0; t < to; t++) {
    start[t] = index.length
    if (to < from) {
      const a = t * scale
      const b = (t + 1) * scale
      for (let s = Math.floor(a); s < Math.min(Math.ceil(b), from); s++) {
        const w = Math.min(b, s + 1) - Math.max(a, s)
        if (w > 1e-9) add(s, w / scale)
      }
    } else {
      const f = Math.min(Math.max((t + 0.5) * scale - 0.5, 0), from - 1)
      const s0 = Math.floor(f)
      const s1 = Math.min(s0 + 1, from - 1)
      const w1 = f - s0
      add(s0, 1 - w1)
      if (w1 > 0 && s1 !== s0) add(s1, w1)
    }
  }
  start[to] = index.length
  return { start, index: Int32Array.from(index), weight: Float32Array.from(weight) }
}

/**
 * Writes an RGBA image into `out` at byte `at`, resized to `size`: transparent pixels composited
 * on white, each axis averaged over the covered area when it shrinks and bilinear when it grows;
 * 1 channel is the luma (ITU-R 601: 0.299 R + 0.587 G + 0.114 B), 3 channels RGB.
 */
export function resizeInto(src: RgbaImage, size: ImageSize, out: Uint8Array, at: number): void {
  const { width: sw, height: sh, rgba } = src
  const { width: tw, height: th, channels } = size
  const xs = axisWeights(sw, tw)
  const ys = axisWeights(sh, th)
  // Horizontal pass, compositing on white as it reads: sh rows of tw RGB floats.
  const rows = new Float32Array(sh * tw * 3)
  for (let y = 0; y < sh; y++)
    for (let tx = 0; tx < tw; tx++) {
      let r = 0
      let g = 0
      let b = 0
      for (let k = xs.start[tx]; k < xs.start[tx + 1]; k++) {
        const i = (y * sw + xs.index[k]) * 4
        const a = rgba[i + 3] / 255
        const white = 255 * (1 - a)
        const w = xs.weight[k]
        r += w * (rgba[i] * a + white)
        g += w * (rgba[i + 1] * a + white)
        b += w * (rgba[i + 2] * a + white)
      }
      const o = (y * tw + tx) * 3
      rows[o] = r
      rows[o + 1] = g
      rows[o + 2] = b
    }
  // Vertical pass, then the output format.
  const clamp = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v))
  for (let ty = 0; ty < th; ty++)
    for (let tx = 0; tx < tw; tx++) {
      let r = 0
      let g = 0
      let b = 0
      for (let k = ys.start[ty]; k < ys.start[ty + 1]; k++) {
        const i = (ys.index[k] * tw + tx) * 3
        const w = ys.weight[k]
        r += w * rows[i]
        g += w * rows[i + 1]
        b += w * rows[i + 2]
      }
      const o = at + (ty * tw + tx) * channels
      if (channels === 1) out[o] = clamp(0.299 * r + 0.587 * g + 0.114 * b)
      else {
        out[o] = clamp(r)
        out[o + 1] = clamp(g)
        out[o + 2] = clamp(b)
      }
    }
}

function checkSize(size: ImageSize): void {
  const side = (v: number) => Number.isInteger(v) && v >= 1 && v <= MAX_SIDE
  if (!side(size.height) || !side(size.width))
    throw new DatasetFileError(
      `Images can be resized to 1 to ${MAX_SIDE} pixels a side; ${size.height}×${size.width} was asked for.`,
    )
  if (size.channels !== 1 && size.channels !== 3)
    throw new DatasetFileError(
      `Images are read with 1 channel (grayscale) or 3 (RGB); ${size.channels} was asked for.`,
    )
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** The entries of a folder, sorted, hidden files and system clutter left out. */
function visible(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (e) {
    throw new DatasetFileError(`${dir} cannot be read (${(e as Error).message}).`)
  }
  return names
    .filter((n) => !n.startsWith('.') && n !== '__MACOSX' && n !== 'Thumbs.db' && n !== 'desktop.ini')
    .sort()
}

const subfolders = (dir: string) => visible(dir).filter((n) => isDir(path.join(dir, n)))

/** Every file under `dir` (its sub-folders too), sorted; folders that cannot be read are skipped. */
function filesUnder(dir: string, skipped: LoadedDataset['skipped'], depth = 0): string[] {
  const out: string[] = []
  let names: string[]
  try {
    names = visible(dir)
  } catch (e) {
    skipped.push({ file: dir, reason: (e as Error).message.replace(`${dir} `, '') })
    return out
  }
  for (const n of names) {
    const p = path.join(dir, n)
    if (isDir(p)) {
      if (depth < MAX_DEPTH) out.push(...filesUnder(p, skipped, depth + 1))
    } else out.push(p)
  }
  return out
}

/** Decodes every image of the class folders under `root`; unreadable files are listed, not thrown. */
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
    if (!isDir(dir)) return
    for (const file of filesUnder(dir, skipped)) {
      let bytes: Uint8Array
      try {
        bytes = readFileSync(file)
      } catch (e) {
        skipped.push({ file, reason: `cannot be read (${(e as Error).message})` })
        continue
      }
      try {
        const out = new Uint8Array(per)
        resizeInto(decodeImage(file, bytes), size, out, 0)
        images.push(out)
        labels.push(label)
      } catch (e) {
        skipped.push({ file, reason: (e as Error).message.replace(`${file}: `, '') })
      }
    }
  })
  const all = new Uint8Array(images.length * per)
  images.forEach((img, i) => all.set(img, i * per))
  return { images: all, labels: Uint8Array.from(labels), count: images.length, ...size }
}

/** The rows `rows` of a set, as a set of their own. */
function subset(set: ImageSet, rows: Uint32Array): ImageSet {
  const per = set.height * set.width * set.channels
  const images = new Uint8Array(rows.length * per)
  rows.forEach((r, i) => images.set(set.images.subarray(r * per, (r + 1) * per), i * per))
  return { ...set, images, labels: Uint8Array.from(rows, (r) => set.labels[r]), count: rows.length }
}

/** Where the classes are: `train/` and a test folder, or the folder itself. */
function layoutOf(folder: string): { train: string; test?: string } {
  const train = path.join(folder, 'train')
  if (isDir(train) && subfolders(train).length > 0) {
    const test = TEST_NAMES.map((n) => path.join(folder, n)).find(isDir)
    return { train, test }
  }
  return { train: folder }
}

/**
 * The listing of an image folder, without reading an image: where its splits are and its class
 * names (the sorted sub-folder names). A folder that is not there, or has fewer than two or more
 * than 256 class sub-folders, is a DatasetFileError that says how to lay it out.
 */
export function imageFolderClasses(folder: string): {
  root: string
  layout: { train: string; test?: string }
  classes: string[]
} {
  const root = path.resolve(folder)
  if (!existsSync(root))
    throw new DatasetFileError(
      `${root} does not exist. Choose a folder with one sub-folder of images per class.`,
    )
  if (!isDir(root))
    throw new DatasetFileError(
      `${root} is not a folder. Choose a folder with one sub-folder of images per class.`,
    )
  const layout = layoutOf(root)
  const classes = subfolders(layout.train)
  if (classes.length < 2) {
    const loose = visible(layout.train).filter((n) => /\.(png|jpe?g)$/i.test(n)).length
    throw new DatasetFileError(
      classes.length === 1
        ? `${layout.train} has only one class sub-folder (${classes[0]}): a classifier needs at least two. Put each class's PNG or JPEG images in its own sub-folder (e.g. cats/, dogs/).`
        : `${layout.train} has no class sub-folders${loose ? ` (it holds ${loose} images directly)` : visible(layout.train).length ? '' : ': it is empty'}. Put each class's PNG or JPEG images in its own sub-folder (e.g. cats/, dogs/).`,
    )
  }
  if (classes.length > 256)
    throw new DatasetFileError(
      `${layout.train} has ${classes.length} class sub-folders; at most 256 are supported.`,
    )
  return { root, layout, classes }
}

/**
 * A folder of PNG and JPEG images with one sub-folder per class (class names: the sorted
 * sub-folder names), or `train/` and `test/` (or `val/`) each laid out so. Images are decoded and
 * resized to `size`. Without a test folder, a seeded, stratified sixth of each class is the test
 * split. Unreadable files are reported in `skipped`; a folder without class sub-folders, a class
 * without readable images, or a folder that is not there is a DatasetFileError.
 */
export function loadImageFolder(folder: string, size: ImageSize, seed = 1): LoadedDataset {
  checkSize(size)
  const { root, layout, classes } = imageFolderClasses(folder)
  const skipped: LoadedDataset['skipped'] = []
  for (const n of visible(layout.train))
    if (!isDir(path.join(layout.train, n)) && sniffImage(readHead(path.join(layout.train, n))))
      skipped.push({ file: path.join(layout.train, n), reason: 'not in a class sub-folder' })

  let train: ImageSet
  let test: ImageSet
  if (layout.test) {
    const extra = subfolders(layout.test).filter((c) => !classes.includes(c))
    if (extra.length)
      throw new DatasetFileError(
        `${layout.test} has class folders that ${layout.train} lacks: ${extra.join(', ')}. The two splits must use the same class names.`,
      )
    train = readClasses(layout.train, classes, size, skipped)
    test = readClasses(layout.test, classes, size, skipped)
  } else {
    const all = readClasses(layout.train, classes, size, skipped)
    const [trainRows, testRows] = stratifiedSplit(
      all.labels,
      Uint32Array.from({ length: all.count }, (_, i) => i),
      TEST_SHARE,
      seed,
    )
    train = subset(all, trainRows)
    test = subset(all, testRows)
  }
  const perClass = new Array<number>(classes.length).fill(0)
  for (const l of train.labels) perClass[l]++
  const empty = classes.filter((_, i) => perClass[i] === 0)
  if (empty.length) {
    const example = skipped.find((s) =>
      empty.some((c) => s.file.startsWith(path.join(layout.train, c) + path.sep)),
    )
    throw new DatasetFileError(
      `${layout.train}: no readable PNG or JPEG images for ${empty.length === classes.length ? 'any class' : `the class${empty.length > 1 ? 'es' : ''} ${empty.join(', ')}`}${skipped.length ? ` (${skipped.length} files skipped${example ? `, e.g. ${example.file}: ${example.reason}` : ''})` : ''}. Add images, or remove the empty class folders.`,
    )
  }
  return {
    id: datasetId({ folder: root }),
    name: path.basename(root),
    classes,
    train,
    test,
    source: root,
    contentHash: contentHash({ train, test }),
    skipped,
  }
}

/** The first 16 bytes of a file (enough to sniff its format); none when it cannot be read. */
function readHead(file: string): Uint8Array {
  const head = new Uint8Array(16)
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    return head.subarray(0, readSync(fd, head, 0, 16, 0))
  } catch {
    return new Uint8Array()
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
