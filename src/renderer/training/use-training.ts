import { useCallback, useEffect, useState } from 'react'
import type { Api } from '../../shared/api/contract'
import type { BatchProgress, RunDetail, RunSummary } from '../../shared/api/training'

/**
 * A project's runs and the one on display, kept live from the training events: the run list is
 * refreshed on every status change, the shown run's curves grow with each epoch and batch.
 */
export function useTraining(api: Api, projectId: string | null) {
  const [runs, setRuns] = useState<RunSummary[]>([])
  const [shown, setShown] = useState<RunDetail | null>(null)
  const [progress, setProgress] = useState<BatchProgress | null>(null)
  const [error, setError] = useState<string | null>(null)

  const refresh = useCallback(async () => {
    if (!projectId) return
    try {
      setRuns(await api.runs.list({ id: projectId }))
    } catch (e) {
      setError((e as Error).message)
    }
  }, [api, projectId])

  const show = useCallback(
    async (runId: string) => {
      try {
        setShown(await api.runs.get({ runId }))
        setProgress(null)
      } catch (e) {
        setError((e as Error).message)
      }
    },
    [api],
  )

  useEffect(() => {
    void refresh()
    const off = [
      api.on('training.status', ({ runId, run }) => {
        void refresh()
        setShown((s) => (s && s.id === runId ? { ...s, ...run } : s))
        if (run.status !== 'running') setProgress((p) => (p?.runId === runId ? null : p))
      }),
      api.on('training.batch', (b) => {
        setShown((s) => {
          if (!s || s.id !== b.runId) return s
          return { ...s, batches: [...s.batches, { epoch: b.epoch, step: b.step, loss: b.loss }] }
        })
        setProgress((p) => (p === null || p.runId === b.runId ? b : p))
      }),
      api.on('training.epoch', ({ runId, ...m }) =>
        setShown((s) =>
          s && s.id === runId ? { ...s, epochs: [...s.epochs.filter((e) => e.epoch !== m.epoch), m] } : s,
        ),
      ),
    ]
    return () => off.forEach((f) => f())
  }, [api, refresh])

  return { runs, shown, progress, error, setError, refresh, show }
}
