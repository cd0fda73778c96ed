/**
 * In-memory datasets as the training loop consumes them: images as unsigned bytes in NHWC order
 * (what every supported file format stores), labels as class indices. Normalisation and
 * augmentation happen per batch, so a 60,000-image set stays 47 MB instead of 188 MB of floats.
 */
export interface ImageSet {
  /** count × height × width × channels bytes, NHWC, 0–255. */
  images: Uint8Array
  /** count class indices, each < classes.length. */
  labels: Uint8Array
  count: number
  height: number
  width: number
  channels: number
}

/** A dataset ready to train on: its two splits as shipped, the class names and where it came from. */
export interface LoadedDataset {
  /** Stable id: `mnist`, `fashion-mnist`, `cifar10`, or `folder:<absolute path>` for an image folder (shared/training/dataset-id.ts). */
  id: string
  name: string
  classes: string[]
  train: ImageSet
  /** The held-out test split (for image folders without one: a seeded stratified 1/6 of the images). */
  test: ImageSet
  /** Where the files were read from (a folder or the list of files). */
  source: string
  /** SHA-256 of the decoded images and labels of both splits, hex. */
  contentHash: string
  /** Files that could not be read (image folders), each with its reason; empty otherwise. */
  skipped: { file: string; reason: string }[]
}
