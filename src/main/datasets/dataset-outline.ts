import { closeSync, openSync, readSync, statSync } from 'node:fs'
import path from 'node:path'
import { constants, gunzipSync } from 'node:zlib'
import type { DatasetRef } from '../../shared/api/training'
import type { DatasetShape } from '../../shared/training/dataset-mismatch'
import { BUILTINS, builtinFolder } from './catalog'
import { CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, cifarFolder } from './cifar10'
import { DatasetFileError } from './idx'
import { imageFolderClasses } from './image-folder'
import { findIdxFile, MNIST_FILES, MNIST_GZ_FILES } from './mnist'

/**
 * What a dataset holds (its image size, channels and classes), read from file headers and folder
 * listings only, in milliseconds: a run is refused before it exists when its dataset is missing,
 * unreadable at a glance, or does not fit the graph. Faults that only decoding finds (a truncated
 * gzip, a label out of range, an undecodable image) fail the run when the worker loads it.
 */
export function outlineDataset(ref: DatasetRef, dataDir: string): DatasetShape {
  if ('folder' in ref) {
    const { root, classes } = imageFolderClasses(ref.folder)
    // Image folders are resized to the Input's size and channels when loaded.
    return {
      name: path.basename(root),
      image: { height: 0, width: 0, channels: 0 },
      classes: classes.length,
      resizable: true,
    }
  }
  const entry = BUILTINS[ref.builtin]
  const dir = builtinFolder(ref.builtin, dataDir)
  const image = ref.builtin === 'cifar10' ? cifarImage(dir) : mnistImage(dir, entry.name)
  return { name: entry.name, image, classes: entry.classes.length, resizable: false }
}

const RECORD = 1 + 32 * 32 * 3

/** CIFAR-10's batches are there and hold whole records. */
function cifarImage(dir: string) {
  const folder = cifarFolder(dir) ?? dir
  for (const name of [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE]) {
    const file = path.join(folder, name)
    const size = sizeOf(
      file,
      `CIFAR-10 needs all of ${[...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].join(', ')}. Extract cifar-10-binary.tar.gz again.`,
    )
    if (size === 0 || size % RECORD !== 0)
      throw new DatasetFileError(
        `${file}: ${size} bytes is not a whole number of CIFAR-10 records (${RECORD} bytes each). The file is truncated or not a CIFAR-10 binary batch.`,
      )
  }
  return { height: 32, width: 32, channels: 3 }
}

/** The four IDX files' headers agree: images N×H×W with N labels, both splits the same size. */
function mnistImage(dir: string, name: string) {
  const sides = Object.values(MNIST_FILES).map((split) => {
    const images = idxHeader(dir, split.images, name)
    const labels = idxHeader(dir, split.labels, name)
    if (images.dims.length !== 3)
      throw new DatasetFileError(
        `${images.file}: expected images N×height×width, got ${images.dims.join('×')}.`,
      )
    if (labels.dims.length !== 1)
      throw new DatasetFileError(`${labels.file}: expected N labels, got ${labels.dims.join('×')}.`)
    if (images.dims[0] !== labels.dims[0])
      throw new DatasetFileError(
        `${images.file} holds ${images.dims[0]} images but ${labels.file} holds ${labels.dims[0]} labels: they are not a pair.`,
      )
    return { height: images.dims[1], width: images.dims[2], file: images.file }
  })
  const [train, test] = sides
  if (train.height !== test.height || train.width !== test.width)
    throw new DatasetFileError(
      `${dir}: the training images are ${train.height}×${train.width} but the test images ${test.height}×${test.width}; the files come from different datasets.`,
    )
  return { height: train.height, width: train.width, channels: 1 }
}

function sizeOf(file: string, hint: string): number {
  try {
    return statSync(file).size
  } catch {
    throw new DatasetFileError(`${file} is missing. ${hint}`)
  }
}

/** The first bytes of a file: enough for a gzip header and an IDX header behind it. */
function head(file: string, bytes = 4096): Buffer {
  const buf = Buffer.alloc(bytes)
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0))
  } catch (e) {
    throw new DatasetFileError(`${file} cannot be read (${(e as Error).message}).`)
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** An IDX file's dimensions from its header (gunzipping only its start), with the checks a header allows. */
function idxHeader(dir: string, base: string, name: string): { file: string; dims: number[] } {
  const file = findIdxFile(dir, base)
  if (!file)
    throw new DatasetFileError(
      `${path.join(dir, `${base}.gz`)} is missing. ${name} needs the four files ${MNIST_GZ_FILES.join(', ')} (gzipped or not) in one folder.`,
    )
  let buf = head(file)
  const gzipped = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b
  if (gzipped)
    try {
      // A partial inflate: the start of the data without reading the whole file.
      buf = gunzipSync(buf, { finishFlush: constants.Z_SYNC_FLUSH })
    } catch (e) {
      throw new DatasetFileError(
        `${file}: the gzip data is damaged (${(e as Error).message}). Download the file again.`,
      )
    }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0)
    throw new DatasetFileError(
      `${file}: not an IDX file (it must start with two zero bytes, a type and a rank).`,
    )
  if (buf[2] !== 0x08)
    throw new DatasetFileError(
      `${file}: IDX data type 0x${buf[2].toString(16)} is not supported; only unsigned bytes (0x08), as MNIST uses.`,
    )
  const rank = buf[3]
  if (rank < 1 || rank > 4 || buf.length < 4 + 4 * rank)
    throw new DatasetFileError(`${file}: the IDX header is damaged (rank ${rank}).`)
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i))
  if (!gzipped) {
    const expected = 4 + 4 * rank + dims.reduce((a, b) => a * b, 1)
    const size = statSync(file).size
    if (size !== expected)
      throw new DatasetFileError(
        `${file}: the header promises ${dims.join('×')} values but the file holds ${size - 4 - 4 * rank} bytes of data. The file is truncated or not what its name says.`,
      )
  }
  return { file, dims }
}
