import { ApiError, type Handlers } from '../../shared/api/contract'
import { BUILTIN_DATASETS, type DatasetInfo, type DatasetRef } from '../../shared/api/training'
import type { ImageSet, LoadedDataset } from '../datasets/types'
import { loadDataset } from '../training/dataset-for-graph'
import type { Emit } from './training-service'

export type DatasetsService = Pick<Handlers, 'datasets.list' | 'datasets.preview' | 'datasets.download'>

const NAMES: Record<(typeof BUILTIN_DATASETS)[number], string> = {
  mnist: 'MNIST',
  'fashion-mnist': 'Fashion-MNIST',
  cifar10: 'CIFAR-10',
}

function countsPerClass(set: ImageSet, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0)
  for (const label of set.labels) counts[label]++
  return counts
}

/** Datasets: which built-ins are on this machine, previews with sample images, downloads. */
export function createDatasetsService(options: { dataDir: string; emit?: Emit }): DatasetsService {
  // Decoding 70,000 images takes a second: keep the last few loaded.
  const cache = new Map<string, Promise<LoadedDataset>>()
  const load = (ref: DatasetRef) => {
    const key = JSON.stringify(ref)
    let p = cache.get(key)
    if (!p) {
      p = loadDataset(ref, options.dataDir)
      p.catch(() => cache.delete(key))
      cache.set(key, p)
      if (cache.size > 3) cache.delete(cache.keys().next().value!)
    }
    return p
  }
  return {
    async 'datasets.list'() {
      const out: DatasetInfo[] = []
      for (const id of BUILTIN_DATASETS) {
        const ds = await load({ builtin: id }).catch(() => null)
        out.push({
          id,
          name: NAMES[id],
          classes: ds?.classes ?? [],
          location: ds?.source ?? null,
          downloadable: true,
          trainSamples: ds?.train.count ?? null,
          testSamples: ds?.test.count ?? null,
          image: ds ? { height: ds.train.height, width: ds.train.width, channels: ds.train.channels } : null,
        })
      }
      return out
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
          train: countsPerClass(train, ds.classes.length),
          test: countsPerClass(ds.test, ds.classes.length),
        },
        image: { height: train.height, width: train.width, channels: train.channels },
        samples: samples.sort((a, b) => a.label - b.label),
        skipped: ds.skipped,
      }
    },
    'datasets.download'({ id }) {
      throw new ApiError('unavailable', `Downloading ${NAMES[id]} is not available yet.`)
    },
  }
}
