import { useCallback, useEffect, useRef, useState } from 'react'
import type { Api } from '../../../shared/api/contract'
import type { EvalSplit, Evaluation } from '../../../shared/api/insight'
import { errorMessage } from '../../error-message'

interface SplitState {
  evaluation: Evaluation | null
  loading: boolean
  error: string | null
}
const IDLE: SplitState = { evaluation: null, loading: false, error: null }

/**
 * A run's evaluation on each split, asked for when a split is first shown and again on Recompute.
 * Each split keeps its own result, so switching back costs nothing, and a failed recompute keeps
 * the evaluation it was replacing (the error is shown beside it).
 */
export function useEvaluation(api: Api, runId: string) {
  const [split, setSplit] = useState<EvalSplit>('test')
  const [states, setStates] = useState<Record<EvalSplit, SplitState>>({ test: IDLE, validation: IDLE })
  const asked = useRef(new Set<EvalSplit>())
  const alive = useRef(true)
  useEffect(() => {
    alive.current = true
    return () => {
      alive.current = false
    }
  }, [])

  const load = useCallback(
    (s: EvalSplit, recompute: boolean) => {
      const update = (f: (st: SplitState) => SplitState) =>
        alive.current && setStates((all) => ({ ...all, [s]: f(all[s]) }))
      update((st) => ({ ...st, loading: true, error: null }))
      api.runs.evaluate({ runId, split: s, recompute }).then(
        (evaluation) => update(() => ({ evaluation, loading: false, error: null })),
        (e) => update((st) => ({ ...st, loading: false, error: errorMessage(e) })),
      )
    },
    [api, runId],
  )

  useEffect(() => {
    if (asked.current.has(split)) return
    asked.current.add(split)
    load(split, false)
  }, [split, load])

  return { split, setSplit, ...states[split], recompute: () => load(split, true) }
}
