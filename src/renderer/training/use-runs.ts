import { useCallback, useEffect, useState } from 'react'
import type { Api } from '../../shared/api/contract'
import type { RunSummary } from '../../shared/api/training'
import { errorMessage } from '../error-message'

/** A project's runs, newest first: listed on open and again whenever one of them changes status. */
export function useRuns(api: Api, projectId: string | null) {
  const [runs, setRuns] = useState<RunSummary[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  const refresh = useCallback(async () => {
    if (!projectId) return
    try {
      setRuns(await api.runs.list({ id: projectId }))
      setError(null)
    } catch (e) {
      setError(errorMessage(e))
    }
  }, [api, projectId])

  useEffect(() => {
    void refresh()
    return api.on('training.status', ({ run }) => {
      if (run.projectId !== projectId) return
      // Shown at once, then the list is read again (a run started elsewhere, deleted ones).
      setRuns((list) =>
        list?.some((r) => r.id === run.id)
          ? list.map((r) => (r.id === run.id ? run : r))
          : [run, ...(list ?? [])],
      )
      void refresh()
    })
  }, [api, projectId, refresh])

  return { runs, error, refresh }
}
