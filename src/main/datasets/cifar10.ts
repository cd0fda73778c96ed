import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { DatasetFileError } from './idx'
import type { ImageSet } from './types'

export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
]
const SIDE = 32
const PIXELS = SIDE * SIDE
const RECORD = 1 + 3 * PIXELS
export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`)
export const CIFAR10_TEST_FILE = 'test_batch.bin'

/**
 * Reads CIFAR-10 binary batches (each record: a label byte, then 1,024 red, 1,024 green and 1,024
 * blue bytes, row by row) into one NHWC set. Every problem names the file and what is wrong.
 */
export function parseCifarBatches(files: { name: string; bytes: Uint8Array }[]): ImageSet {
  let count = 0
  for (const { name, bytes } of files) {
    if (bytes.length === 0 || bytes.length % RECORD !== 0)
      throw new DatasetFileError(
        `${name}: ${bytes.length} bytes is not a whole number of CIFAR-10 records (${RECORD} bytes each: a label and 32×32×3 pixels). The file is truncated or not a CIFAR-10 binary batch.`,
      )
    count += bytes.length / RECORD
  }
  const images = new Uint8Array(count * 3 * PIXELS)
  const labels = new Uint8Array(count)
  let n = 0
  for (const { name, bytes } of files) {
    for (let r = 0; r < bytes.length; r += RECORD, n++) {
      const label = bytes[r]
      if (label > 9)
        throw new DatasetFileError(
          `${name}: record ${r / RECORD + 1} has label ${label}; CIFAR-10 labels are 0 to 9. Is this CIFAR-100?`,
        )
      labels[n] = label
      const out = n * 3 * PIXELS
      for (let p = 0; p < PIXELS; p++) {
        images[out + 3 * p] = bytes[r + 1 + p]
        images[out + 3 * p + 1] = bytes[r + 1 + PIXELS + p]
        images[out + 3 * p + 2] = bytes[r + 1 + 2 * PIXELS + p]
      }
    }
  }
  return { images, labels, count, height: SIDE, width: SIDE, channels: 3 }
}

/** The folder holding the batches: `dir` itself or its `cifar-10-batches-bin/` (the archive's layout). */
export function cifarFolder(dir: string): string | undefined {
  return [dir, path.join(dir, 'cifar-10-batches-bin')].find((d) =>
    existsSync(path.join(d, CIFAR10_TEST_FILE)),
  )
}

/** Loads the five training batches and the test batch from a folder, with class names. */
export function loadCifar10(dir: string): {
  train: ImageSet
  test: ImageSet
  classes: string[]
  source: string
} {
  const folder = cifarFolder(dir)
  if (!folder)
    throw new DatasetFileError(
      `${dir} holds no CIFAR-10 binary batches (${CIFAR10_TEST_FILE} and data_batch_1.bin … 5.bin, from cifar-10-binary.tar.gz).`,
    )
  const read = (name: string) => {
    const file = path.join(folder, name)
    if (!existsSync(file))
      throw new DatasetFileError(
        `${file} is missing: CIFAR-10 needs ${[...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].join(', ')}.`,
      )
    return { name, bytes: new Uint8Array(readFileSync(file)) }
  }
  const meta = path.join(folder, 'batches.meta.txt')
  const names = existsSync(meta)
    ? readFileSync(meta, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
    : CIFAR10_CLASSES
  return {
    train: parseCifarBatches(CIFAR10_TRAIN_FILES.map(read)),
    test: parseCifarBatches([read(CIFAR10_TEST_FILE)]),
    classes: names.length === 10 ? names : CIFAR10_CLASSES,
    source: folder,
  }
}
