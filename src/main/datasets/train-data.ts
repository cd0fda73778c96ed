import type { Hyperparameters } from '../../shared/api/training'
import { channelStats, makeBatch, type Normalization } from './batches'
import { stratifiedSplit } from './split'
import type { ImageSet, LoadedDataset } from './types'

/** Batches as the loop consumes them: float32 NHWC images, already normalised, and class indices. */
export interface TrainData {
  shape: [number, number, number]
  classes: number
  trainCount: number
  valCount: number
  testCount: number
  /** The per-channel standardisation applied (null: bytes / 255 only); export records it. */
  normalization?: Normalization | null
  /** Training images at `indices` (into the training split), augmented with `seed` when asked. */
  trainBatch(indices: Uint32Array, seed: number): { x: Float32Array; y: Int32Array }
  /** Validation or test images `start` … `start + size − 1`, never augmented. */
  evalBatch(split: 'val' | 'test', start: number, size: number): { x: Float32Array; y: Int32Array }
}

/** A loaded dataset's batches, and where each validation or test sample's stored pixels are. */
export interface DatasetData extends TrainData {
  /** Where validation or test sample i lives: its image set and row. Throws RangeError outside the split. */
  evalRow(split: 'val' | 'test', i: number): { set: ImageSet; row: number }
}

/**
 * The loop's view of a dataset: the validation split (stratified, seeded) and an optional
 * stratified subset (`limit`) taken from the training split, batches normalised as float32
 * (÷255, or standardised with the training split's per-channel statistics), and augmentation
 * (random crop after zero padding, horizontal flip) on training batches only.
 */
export function makeTrainData(ds: LoadedDataset, h: Hyperparameters): DatasetData {
  const { train, test } = ds
  let pool: Uint32Array = Uint32Array.from({ length: train.count }, (_, i) => i)
  if (h.limit > 0 && h.limit < train.count)
    pool = stratifiedSplit(train.labels, pool, h.limit / train.count, h.seed + 17)[1]
  const [trainIdx, valIdx] =
    h.validationSplit > 0
      ? stratifiedSplit(train.labels, pool, h.validationSplit, h.seed)
      : [pool, new Uint32Array()]
  const normalization = h.normalize === 'standardize' ? channelStats(train, trainIdx) : null
  const augmenting = h.flip || h.cropPadding > 0

  return {
    shape: [train.height, train.width, train.channels],
    classes: ds.classes.length,
    trainCount: trainIdx.length,
    valCount: valIdx.length,
    testCount: test.count,
    normalization,
    trainBatch: (indices, seed) =>
      makeBatch(
        train,
        Array.from(indices, (k) => trainIdx[k]),
        { normalization, augment: augmenting ? { cropPadding: h.cropPadding, flip: h.flip, seed } : null },
      ),
    evalBatch: (split, start, size) =>
      split === 'val'
        ? makeBatch(train, valIdx.subarray(start, start + size), { normalization })
        : makeBatch(
            test,
            Uint32Array.from({ length: size }, (_, i) => start + i),
            { normalization },
          ),
    evalRow: (split, i) => {
      const count = split === 'val' ? valIdx.length : test.count
      if (!(Number.isInteger(i) && i >= 0 && i < count))
        throw new RangeError(
          `Sample ${i} is not in the ${split === 'val' ? 'validation' : 'test'} split: it holds samples 0 to ${count - 1}.`,
        )
      return split === 'val' ? { set: train, row: valIdx[i] } : { set: test, row: i }
    },
  }
}
