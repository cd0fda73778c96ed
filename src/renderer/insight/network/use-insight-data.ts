import { useEffect, useMemo } from 'react'
import { errorMessage } from '../../error-message'
import type { Api } from '../../../shared/api/contract'
import type {
  Activations,
  Attribution,
  AttributionMethod,
  FeatureMap,
  NodeWeights,
  SampleSource,
} from '../../../shared/api/insight'
import { convWeights } from './node-weights'
import { decodeTensor3, type Tensor3 } from './tensor3'
import { cacheKey, sampleKey, useInsightCache, type Entry } from './insight-cache'

/**
 * Fetches into the cache once per key and returns the key's entry. A response that arrives after
 * the view moved on (another sample, node or run) is kept in the cache but no longer shown: the
 * component reads the entry of its current key only, so stale answers never overwrite it.
 */
export type Keyed<T> = Entry<T> & { key: string }

export function useCached<T>(key: string | null, load: () => Promise<T>): Keyed<T> | null {
  const entry = useInsightCache((s) => (key ? (s.entries[key] as Entry<T> | undefined) : undefined))
  useEffect(() => {
    if (!key) return
    const { entries, set } = useInsightCache.getState()
    if (entries[key]) return
    set(key, { status: 'loading' })
    load().then(
      (data) => set(key, { status: 'ready', data }),
      (e: unknown) => set(key, { status: 'error', error: errorMessage(e) }),
    )
    // `load` closes over what the key names: the key (and Retry dropping its entry) decides when to fetch.
  }, [key, entry === undefined])
  return key ? { ...(entry ?? { status: 'loading' }), key } : null
}

export const activationsKey = (runId: string, sample: SampleSource) =>
  cacheKey('activations', runId, sampleKey(sample))

export function useActivations(api: Api, runId: string | null, sample: SampleSource | null) {
  return useCached<Activations>(runId && sample ? activationsKey(runId, sample) : null, () =>
    api.insight.activations({ runId: runId!, sample: sample! }),
  )
}

/** The activations of the shown run and sample, if fetched: for readers with no api (node cards). */
export function useShownActivations(runId: string | null, sample: SampleSource | null): Activations | null {
  return useInsightCache((s) => {
    const e = runId && sample ? s.entries[activationsKey(runId, sample)] : undefined
    return e?.status === 'ready' ? (e.data as Activations) : null
  })
}

export function useFeatureMap(
  api: Api,
  runId: string | null,
  sample: SampleSource | null,
  nodeId: string | null,
) {
  return useCached<FeatureMap>(
    runId && sample && nodeId ? cacheKey('featureMap', runId, sampleKey(sample), nodeId) : null,
    () => api.insight.featureMap({ runId: runId!, sample: sample!, nodeId: nodeId! }),
  )
}

export function useWeights(api: Api, runId: string | null, nodeId: string | null) {
  return useCached<NodeWeights>(runId && nodeId ? cacheKey('weights', runId, nodeId) : null, () =>
    api.insight.weights({ runId: runId!, nodeId: nodeId! }),
  )
}

export function useAttribution(
  api: Api,
  runId: string | null,
  sample: SampleSource | null,
  method: AttributionMethod | null,
  classIndex: number | null,
  nodeId: string | null,
) {
  const on = runId && sample && method && classIndex !== null
  return useCached<Attribution>(
    on
      ? cacheKey(
          'attribution',
          runId,
          sampleKey(sample),
          method,
          classIndex,
          method === 'grad-cam' ? nodeId : null,
        )
      : null,
    () =>
      api.insight.attribution({
        runId: runId!,
        sample: sample!,
        method: method!,
        classIndex: classIndex!,
        ...(method === 'grad-cam' && nodeId ? { nodeId } : {}),
      }),
  )
}

/** A fetched feature map decoded once (per response) into a Tensor3; null until it is ready. */
export function useDecodedMap(entry: Keyed<FeatureMap> | null): Tensor3 | null {
  const data = entry?.status === 'ready' ? entry.data : null
  return useMemo(() => (data ? decodeTensor3(data.shape, data.values) : null), [data])
}

/** A fetched node's convolution weights decoded once (per response); null until ready. */
export function useConvWeights(entry: Keyed<NodeWeights> | null) {
  const data = entry?.status === 'ready' ? entry.data : null
  return useMemo(() => (data ? convWeights(data) : null), [data])
}
