import type { DatasetRef } from '../../shared/api/training'
import type { DatasetRow } from '../db/datasets-repo'
import type { LoadedDataset } from '../datasets/types'

/** A loaded dataset as the `datasets` table registers it (what an engine's `started` event carries). */
export function datasetRowOf(dataset: LoadedDataset, ref: DatasetRef): DatasetRow {
  return {
    id: dataset.id,
    name: dataset.name,
    source: 'builtin' in ref ? 'builtin' : 'folder',
    path: dataset.source,
    sizeBytes: [dataset.train, dataset.test].reduce((n, x) => n + x.images.length + x.labels.length, 0),
    samples: dataset.train.count + dataset.test.count,
    classes: dataset.classes,
    contentHash: dataset.contentHash,
  }
}
