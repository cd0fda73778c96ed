import { useState } from 'react'
import type { Api } from '../../shared/api/contract'
import type { RunSummary } from '../../shared/api/training'
import { errorMessage } from '../error-message'

/**
 * Pause, resume and stop, as the run's status allows: a running run pauses or stops, a paused one
 * resumes, a stopped or interrupted one (or one failed by its database: a full disk, a lock)
 * resumes from its last checkpoint.
 */
export function RunControls({
  api,
  run,
  onChanged,
}: {
  api: Api
  run: RunSummary
  onChanged(run: RunSummary): void
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const call = async (f: (r: { runId: string }) => Promise<RunSummary>) => {
    setBusy(true)
    setError(null)
    try {
      onChanged(await f({ runId: run.id }))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  const s = run.status
  const restart = s === 'stopped' || s === 'interrupted' || (s === 'failed' && run.resumable)
  return (
    <div className="run-controls">
      {s === 'running' && (
        <button
          type="button"
          data-testid="train-pause"
          disabled={busy}
          onClick={() => call((r) => api.training.pause(r))}
        >
          Pause
        </button>
      )}
      {(s === 'paused' || restart) && (
        <button
          type="button"
          data-testid="train-resume"
          disabled={busy}
          title={
            restart
              ? `Continue from the last checkpoint (${run.epochsDone ? `epoch ${run.epochsDone}` : 'the start'})`
              : undefined
          }
          onClick={() => call((r) => api.training.resume(r))}
        >
          Resume
        </button>
      )}
      {(s === 'running' || s === 'paused' || s === 'queued') && (
        <button
          type="button"
          data-testid="train-stop"
          disabled={busy}
          onClick={() => call((r) => api.training.stop(r))}
        >
          Stop
        </button>
      )}
      {error && (
        <p className="error" role="alert" data-testid="run-error">
          {error}
        </p>
      )}
    </div>
  )
}
