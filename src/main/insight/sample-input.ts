import type { ImageFile } from '../../shared/api/insight'
import { makeBatch, type Normalization } from '../datasets/batches'
import { decodeImage, resizeInto, type ImageSize } from '../datasets/image-folder'
import { DatasetFileError } from '../datasets/idx'
import { InsightError } from './insight-error'

/** A sample ready for the network: normalised NHWC floats, its pixels as the network sees them, its label if known. */
export interface Preprocessed {
  x: Float32Array
  /** HWC bytes at the network's input size. */
  pixels: Uint8Array
  label: number | null
}

/**
 * An image file (PNG or JPEG) preprocessed as a run's training images were: decoded, resized to the
 * Input's size (area-averaged when shrinking, bilinear when growing; luma for one channel, as image
 * folders are read), scaled to 0–1 and standardised with the run's statistics when it used them.
 */
export function preprocessFile(
  file: ImageFile,
  size: ImageSize,
  normalization: Normalization | null,
): Preprocessed {
  const bytes = Buffer.from(file.data, 'base64')
  let rgba
  try {
    rgba = decodeImage(file.name, bytes)
  } catch (e) {
    if (e instanceof DatasetFileError) throw new InsightError(e.message)
    throw e
  }
  const pixels = new Uint8Array(size.height * size.width * size.channels)
  resizeInto(rgba, size, pixels, 0)
  const { x } = makeBatch({ images: pixels, labels: new Uint8Array(1), count: 1, ...size }, [0], {
    normalization,
  })
  return { x, pixels, label: null }
}
