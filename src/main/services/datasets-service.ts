import { ApiError, type Handlers } from '../../shared/api/contract'
import { BUILTIN_DATASETS, type DatasetInfo, type DatasetRef } from '../../shared/api/training'
import { datasetId } from '../../shared/training/dataset-id'
import { BUILTINS, download, loadDataset, locate } from '../datasets/catalog'
import { DatasetFileError } from '../datasets/idx'
import { classCounts } from '../datasets/split'
import type { LoadedDataset } from '../datasets/types'
import type { Emit } from './emit'

export type DatasetsService = Pick<Handlers, 'datasets.list' | 'datasets.preview' | 'datasets.download'>

/** Datasets: which built-ins are on this machine, previews with sample images, downloads. */
export function createDatasetsService(options: { dataDir: string; emit?: Emit }): DatasetsService {
  // Decoding 70,000 images takes a second: keep the last few loaded.
  const cache = new Map<string, Promise<LoadedDataset>>()
  const load = (ref: DatasetRef) => {
    const key = datasetId(ref)
    let p = cache.get(key)
    if (!p) {
      p = Promise.resolve().then(() => loadDataset(ref, options.dataDir))
      p.catch(() => cache.delete(key))
      cache.set(key, p)
      if (cache.size > 3) cache.delete(cache.keys().next().value!)
    }
    return p
  }
  return {
    'datasets.list'() {
      return BUILTIN_DATASETS.map((id): DatasetInfo => {
        const b = BUILTINS[id]
        return {
          id,
          name: b.name,
          classes: b.classes,
          location: locate(id, options.dataDir) ?? null,
          downloadable: true,
          trainSamples: b.samples.train,
          testSamples: b.samples.test,
          image: b.image,
        }
      })
    },
    async 'datasets.preview'({ dataset, perClass }) {
      let ds: LoadedDataset
      try {
        ds = await load(dataset)
      } catch (e) {
        throw new ApiError('invalid', (e as Error).message)
      }
      const { train } = ds
      const per = train.height * train.width * train.channels
      const taken = new Array<number>(ds.classes.length).fill(0)
      const samples: { label: number; pixels: string }[] = []
      for (let i = 0; i < train.count && samples.length < perClass * ds.classes.length; i++) {
        const label = train.labels[i]
        if (taken[label] >= perClass) continue
        taken[label]++
        samples.push({
          label,
          pixels: Buffer.from(train.images.subarray(i * per, (i + 1) * per)).toString('base64'),
        })
      }
      return {
        id: ds.id,
        name: ds.name,
        classes: ds.classes,
        counts: {
          train: classCounts(train.labels, ds.classes.length),
          test: classCounts(ds.test.labels, ds.classes.length),
        },
        image: { height: train.height, width: train.width, channels: train.channels },
        samples: samples.sort((a, b) => a.label - b.label),
        skipped: ds.skipped,
      }
    },
    async 'datasets.download'({ id }) {
      try {
        await download(id, options.dataDir, {
          onProgress: (p) => options.emit?.('datasets.progress', { id, ...p }),
        })
      } catch (e) {
        if (e instanceof DatasetFileError) throw new ApiError('unavailable', e.message)
        throw e
      }
      cache.clear()
      return (await this['datasets.list']({})).find((d) => d.id === id)!
    },
  }
}
