import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { contentHash } from './hash'
import { DatasetFileError } from './idx'
import type { ImageSet, LoadedDataset } from './types'

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
        `${name}: ${bytes.length} bytes is not a whole number of CIFAR-10 records (${RECORD} bytes each: a label and 32×32×3 pixels). The file is truncated or not a CIFAR-10 binary batch: download cifar-10-binary.tar.gz again.`,
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
          `${name}: record ${r / RECORD + 1} has label ${label}; CIFAR-10 labels are 0 to 9. Is this CIFAR-100? Use CIFAR-10's binary version (cifar-10-binary.tar.gz).`,
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

/**
 * The folder holding the batches, or some of them: `dir` itself or its `cifar-10-batches-bin/` (the
 * archive's layout).
 */
export function cifarFolder(dir: string): string | undefined {
  return [dir, path.join(dir, 'cifar-10-batches-bin')].find((d) =>
    [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].some((f) => existsSync(path.join(d, f))),
  )
}

/** The folder holding all six batches (`dir` or its `cifar-10-batches-bin/`), if there is one. */
export function completeCifarFolder(dir: string): string | undefined {
  return [dir, path.join(dir, 'cifar-10-batches-bin')].find((d) =>
    [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].every((f) => existsSync(path.join(d, f))),
  )
}

/** The files {@link loadCifar10} reads from a folder found by {@link cifarFolder}. */
export const CIFAR10_FILES = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE, 'batches.meta.txt']

function readNames(file: string): string[] {
  if (!existsSync(file)) return CIFAR10_CLASSES
  const names = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  if (names.length !== 10)
    throw new DatasetFileError(
      `${file} lists ${names.length} class names; CIFAR-10 has 10${names.length === 100 ? ' (is this CIFAR-100?)' : ''}. Remove the file to use the standard names.`,
    )
  return names
}

/**
 * Loads CIFAR-10's five training batches and its test batch from a folder (or its extracted
 * `cifar-10-batches-bin/`), with the class names of `batches.meta.txt`. Every problem (missing,
 * truncated or foreign files) is a DatasetFileError naming the file.
 */
export function loadCifar10(dir: string): LoadedDataset {
  const folder = cifarFolder(dir)
  if (!folder)
    throw new DatasetFileError(
      `${dir} holds no CIFAR-10 binary batches (data_batch_1.bin … data_batch_5.bin and ${CIFAR10_TEST_FILE}, as extracted from cifar-10-binary.tar.gz, either there or in its cifar-10-batches-bin/ folder).`,
    )
  const missing = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].filter((f) => !existsSync(path.join(folder, f)))
  if (missing.length)
    throw new DatasetFileError(
      `${folder} lacks ${missing.join(', ')}: CIFAR-10 needs all of ${[...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].join(', ')}. Extract cifar-10-binary.tar.gz again, or download it again.`,
    )
  const read = (name: string) => {
    const file = path.join(folder, name)
    try {
      return { name: file, bytes: new Uint8Array(readFileSync(file)) }
    } catch (e) {
      throw new DatasetFileError(`${file} cannot be read (${(e as Error).message}). Check its permissions.`)
    }
  }
  const classes = readNames(path.join(folder, 'batches.meta.txt'))
  const train = parseCifarBatches(CIFAR10_TRAIN_FILES.map(read))
  const test = parseCifarBatches([read(CIFAR10_TEST_FILE)])
  return {
    id: 'cifar10',
    name: 'CIFAR-10',
    classes,
    train,
    test,
    source: folder,
    contentHash: contentHash({ train, test }),
    skipped: [],
  }
}
