import { gunzipSync } from 'node:zlib'

/** An IDX array (the MNIST and Fashion-MNIST format): unsigned bytes, with its dimensions. */
export interface IdxArray {
  dims: number[]
  data: Uint8Array
}

export class DatasetFileError extends Error {}

/** What to do about a file that is not what its name says. */
const REFETCH = 'Download the file again, or use the one from the dataset as published.'

/**
 * Reads an IDX file (gzipped or not: the gzip magic is detected). Only unsigned-byte data (type
 * 0x08) is read, as MNIST and Fashion-MNIST use. Every problem is a DatasetFileError that names
 * the file (`name`: the user's path, never a temporary copy), what is wrong and what to do.
 */
export function parseIdx(name: string, bytes: Uint8Array): IdxArray {
  let buf = bytes
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf)
    } catch (e) {
      throw new DatasetFileError(
        `${name}: the gzip data is damaged (${(e as Error).message}). Download the file again.`,
      )
    }
  }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0)
    throw new DatasetFileError(
      `${name}: not an IDX file (it must start with two zero bytes, a type and a rank). ${REFETCH}`,
    )
  const type = buf[2]
  const rank = buf[3]
  if (type !== 0x08)
    throw new DatasetFileError(
      `${name}: IDX data type 0x${type.toString(16)} is not supported; only unsigned bytes (0x08), as MNIST uses. ${REFETCH}`,
    )
  if (rank < 1 || rank > 4) throw new DatasetFileError(`${name}: IDX rank ${rank} is not 1 to 4. ${REFETCH}`)
  const header = 4 + 4 * rank
  if (buf.length < header)
    throw new DatasetFileError(`${name}: the file ends inside its header: it is truncated. ${REFETCH}`)
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false))
  const size = dims.reduce((a, b) => a * b, 1)
  if (buf.length - header !== size)
    throw new DatasetFileError(
      `${name}: the header promises ${dims.join('×')} = ${size} bytes of data but the file holds ${buf.length - header}. The file is truncated or not what its name says. ${REFETCH}`,
    )
  // A plain Uint8Array view (not a Buffer, which gunzip returns), without copying.
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + header, size) }
}

/** Pairs an images file (N×H×W) with a labels file (N), checking that they belong together. */
export function pairImagesAndLabels(images: IdxArray, labels: IdxArray, names: [string, string]) {
  if (images.dims.length !== 3)
    throw new DatasetFileError(
      `${names[0]}: expected images N×height×width, got ${images.dims.join('×')}: is it a labels file? ${REFETCH}`,
    )
  if (labels.dims.length !== 1)
    throw new DatasetFileError(
      `${names[1]}: expected N labels, got ${labels.dims.join('×')}: is it an images file? ${REFETCH}`,
    )
  if (images.dims[0] !== labels.dims[0])
    throw new DatasetFileError(
      `${names[0]} holds ${images.dims[0]} images but ${names[1]} holds ${labels.dims[0]} labels: they are not a pair. Use the images and labels files of the same split and dataset.`,
    )
  const [count, height, width] = images.dims
  return { count, height, width, channels: 1, images: images.data, labels: labels.data }
}
