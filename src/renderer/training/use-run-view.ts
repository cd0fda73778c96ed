import { useEffect, useReducer, useState } from 'react'
import type { Api } from '../../shared/api/contract'
import { errorMessage } from '../error-message'
import { emptyView, runReducer, type RunAction, type RunView } from './run-view'

/**
 * One run as the panel shows it: its stored detail, kept live from the training events. Listening
 * starts before the detail is asked for, so nothing falls between the two.
 */
export function useRunView(api: Api, runId: string | null) {
  const [view, dispatch] = useReducer(
    (v: RunView | null, a: RunAction | { type: 'open'; runId: string | null }) =>
      a.type === 'open' ? (a.runId ? emptyView(a.runId) : null) : v && runReducer(v, a),
    runId ? emptyView(runId) : null,
  )
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    dispatch({ type: 'open', runId })
    setError(null)
    if (!runId) return
    let current = true
    const off = [
      api.on('training.batch', (progress) => dispatch({ type: 'batch', progress })),
      api.on('training.epoch', ({ runId: id, ...metrics }) =>
        dispatch({ type: 'epoch', runId: id, metrics }),
      ),
      api.on('training.status', ({ run }) => dispatch({ type: 'status', run })),
    ]
    api.runs.get({ runId }).then(
      (detail) => current && dispatch({ type: 'detail', detail }),
      (e: unknown) => current && setError(errorMessage(e)),
    )
    return () => {
      current = false
      off.forEach((f) => f())
    }
  }, [api, runId])

  return { view: view?.runId === runId ? view : null, error, dispatch }
}
