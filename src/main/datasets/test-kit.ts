import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'

/** Builders of small dataset files for tests: IDX, CIFAR-10 records, tar archives, PNG and JPEG. */

/** An IDX file of unsigned bytes (the MNIST format). */
export function idxBytes(dims: number[], data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length)
  out.set([0, 0, 0x08, dims.length])
  const view = new DataView(out.buffer)
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false))
  out.set(data, 4 + 4 * dims.length)
  return out
}

/**
 * Writes the four MNIST files into `dir`: `train` and `test` images of `side`×`side` whose pixels
 * are all their label × 10 + their position, gzipped or not.
 */
export function writeMnist(
  dir: string,
  labels: { train: number[]; test: number[] },
  options: { gzip?: boolean; side?: number } = {},
): void {
  const side = options.side ?? 4
  mkdirSync(dir, { recursive: true })
  const write = (name: string, bytes: Uint8Array) =>
    writeFileSync(path.join(dir, options.gzip ? `${name}.gz` : name), options.gzip ? gzipSync(bytes) : bytes)
  for (const [prefix, ls] of [
    ['train', labels.train],
    ['t10k', labels.test],
  ] as const) {
    const pixels = ls.flatMap((l, i) => new Array<number>(side * side).fill((l * 10 + i) % 256))
    write(`${prefix}-images-idx3-ubyte`, idxBytes([ls.length, side, side], pixels))
    write(`${prefix}-labels-idx1-ubyte`, idxBytes([ls.length], ls))
  }
}

/** A CIFAR-10 record: the label, then the red, green and blue planes (pixel p → rgb(p)). */
export function cifarRecord(label: number, rgb: (p: number) => [number, number, number]): Uint8Array {
  const r = new Uint8Array(3073)
  r[0] = label
  for (let p = 0; p < 1024; p++) [r[1 + p], r[1025 + p], r[2049 + p]] = rgb(p)
  return r
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** A ustar archive of regular files (with a correct header checksum), as CIFAR-10's download is. */
export function tarBytes(files: { path: string; bytes: Uint8Array; type?: string }[]): Uint8Array {
  const blocks: Uint8Array[] = []
  for (const f of files) {
    const h = new Uint8Array(512)
    const put = (s: string, at: number) => h.set(new TextEncoder().encode(s), at)
    put(f.path.slice(0, 100), 0)
    put('0000644\0', 100)
    put('0000000\0', 108)
    put('0000000\0', 116)
    put(f.bytes.length.toString(8).padStart(11, '0') + '\0', 124)
    put('00000000000\0', 136)
    put('        ', 148)
    put(f.type ?? '0', 156)
    put('ustar\x0000', 257)
    const sum = h.reduce((a, b) => a + b, 0)
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148)
    blocks.push(h, f.bytes, new Uint8Array((512 - (f.bytes.length % 512)) % 512))
  }
  blocks.push(new Uint8Array(1024))
  return concat(...blocks)
}

/** The six CIFAR-10 batch files, `perBatch` records each, labels cycling 0–9, plus the class names. */
export function cifarFiles(perBatch = 2): { path: string; bytes: Uint8Array }[] {
  const batch = (offset: number) =>
    concat(
      ...Array.from({ length: perBatch }, (_, i) => cifarRecord((offset + i) % 10, () => [i, 2 * i, 3 * i])),
    )
  return [
    ...[1, 2, 3, 4, 5].map((i) => ({ path: `data_batch_${i}.bin`, bytes: batch(i) })),
    { path: 'test_batch.bin', bytes: batch(0) },
    {
      path: 'batches.meta.txt',
      bytes: new TextEncoder().encode(
        'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n',
      ),
    },
  ]
}

/** A PNG of `w`×`h` pixels coloured by `rgba(x, y)`. */
export function pngBytes(
  w: number,
  h: number,
  rgba: (x: number, y: number) => [number, number, number, number],
): Buffer {
  const img = new PNG({ width: w, height: h })
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data.set(rgba(x, y), (y * w + x) * 4)
  return PNG.sync.write(img)
}

/** A JPEG of `w`×`h` pixels, all the colour `rgb`. */
export function jpegBytes(w: number, h: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(w * h * 4)
  for (let i = 0; i < w * h; i++) data.set([...rgb, 255], i * 4)
  return jpeg.encode({ data, width: w, height: h }, 95).data
}

/**
 * An image folder of two classes told apart at a glance, `top` and `bottom`: the half of the image
 * that is light (grey 200; the other half 40), with a faint pattern so that no two images are
 * alike. `train/` and `test/` hold `train` and `test` `side`×`side` PNGs of each class. For the
 * smallest training runs (a software GPU). Returns `dir`.
 */
export function writeHalvesFolder(dir: string, { side = 8, train = 8, test = 2 } = {}): string {
  for (const [split, count] of [
    ['train', train],
    ['test', test],
  ] as const)
    for (const name of ['top', 'bottom'] as const) {
      const folder = path.join(dir, split, name)
      mkdirSync(folder, { recursive: true })
      for (let i = 0; i < count; i++)
        writeFileSync(
          path.join(folder, `${i}.png`),
          pngBytes(side, side, (x, y) => {
            const v = y < side / 2 === (name === 'top') ? 200 : 40
            const g = v + ((x * 3 + y + i * 5) % 16)
            return [g, g, g, 255]
          }),
        )
    }
  return dir
}
