import { createHash } from 'node:crypto'
import type { ImageSet, LoadedDataset } from './types'

/**
 * SHA-256 (hex) of a dataset's decoded content: for the training split then the test split, its
 * shape (count, height, width, channels as 32-bit big-endian integers), its image bytes and its
 * labels. The same images and labels give the same hash whatever the files were (gzipped or not,
 * re-compressed, another folder); a changed pixel, label, order or size gives another.
 */
export function contentHash(ds: Pick<LoadedDataset, 'train' | 'test'>): string {
  const hash = createHash('sha256')
  for (const set of [ds.train, ds.test]) hash.update(shapeBytes(set)).update(set.images).update(set.labels)
  return hash.digest('hex')
}

function shapeBytes(set: ImageSet): Uint8Array {
  const out = new Uint8Array(16)
  const view = new DataView(out.buffer)
  ;[set.count, set.height, set.width, set.channels].forEach((v, i) => view.setUint32(4 * i, v, false))
  return out
}
