import { useEffect, useReducer, useRef, useState } from 'react'
import type { Api } from '../../../shared/api/contract'
import type { EvalSplit, SampleImage } from '../../../shared/api/insight'
import { errorMessage } from '../../error-message'

/**
 * The images of the samples on screen, fetched with `runs.samples` for those not fetched before
 * (one call per page shown), and kept while the dialog is open.
 */
export function useSampleImages(api: Api, runId: string, split: EvalSplit, indices: number[]) {
  const cache = useRef(new Map<string, SampleImage>())
  const [, fetched] = useReducer((n: number) => n + 1, 0)
  const [error, setError] = useState<string | null>(null)
  const [attempt, retry] = useReducer((n: number) => n + 1, 0)
  const key = indices.join(',')
  useEffect(() => {
    const wanted = key ? key.split(',').map(Number) : []
    const missing = wanted.filter((i) => !cache.current.has(`${split}:${i}`))
    setError(null)
    if (!missing.length) return
    let current = true
    api.runs.samples({ runId, split, indices: missing }).then(
      (images) => {
        for (const image of images) cache.current.set(`${split}:${image.index}`, image)
        if (current) fetched()
      },
      (e) => current && setError(errorMessage(e)),
    )
    return () => {
      current = false
    }
  }, [api, runId, split, key, attempt])
  return { image: (index: number) => cache.current.get(`${split}:${index}`), error, retry }
}
