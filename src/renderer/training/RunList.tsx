import { useState } from 'react'
import type { Api } from '../../shared/api/contract'
import type { RunSummary } from '../../shared/api/training'
import { errorMessage } from '../error-message'
import { formatLoss, formatPercent, formatRate, formatSeconds } from '../runs/run-format'
import { isLive } from './run-view'
import { StatusBadge } from '../runs/StatusBadge'

/**
 * The project's runs, newest first: status, dataset, settings, best validation and test accuracy,
 * time spent. A row opens its run; finished ones can be deleted.
 */
export function RunList({
  api,
  runs,
  selected,
  onOpen,
  onDeleted,
}: {
  api: Api
  runs: RunSummary[]
  selected: string | null
  onOpen(runId: string): void
  onDeleted(runId: string): void
}) {
  const [error, setError] = useState<string | null>(null)
  const remove = (r: RunSummary) => {
    if (!window.confirm(`Delete this run on ${r.dataset?.name ?? 'its dataset'} and its checkpoints?`)) return
    setError(null)
    api.runs.delete({ runId: r.id }).then(
      () => onDeleted(r.id),
      (e: unknown) => setError(errorMessage(e)),
    )
  }
  if (runs.length === 0) return <p className="muted">No runs yet.</p>
  return (
    <>
      {error && (
        <p className="error" role="alert" data-testid="run-delete-error">
          {error}
        </p>
      )}
      <table className="runs" data-testid="runs-list">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Dataset</th>
            <th scope="col">Settings</th>
            <th scope="col" className="num" title="Best validation accuracy">
              Best val
            </th>
            <th scope="col" className="num" title="Test accuracy">
              Test
            </th>
            <th scope="col" className="num">
              Time
            </th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            const h = r.hyperparameters
            return (
              <tr
                key={r.id}
                data-testid="run-row"
                data-run-id={r.id}
                data-status={r.status}
                aria-selected={selected === r.id}
                className={selected === r.id ? 'selected' : undefined}
                onClick={() => onOpen(r.id)}
              >
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>
                  <button
                    type="button"
                    className="link"
                    data-testid="run-open"
                    title={`Open the run of ${new Date(r.createdAt).toLocaleString()}`}
                    onClick={(e) => {
                      e.stopPropagation()
                      onOpen(r.id)
                    }}
                  >
                    {r.dataset?.name ?? '–'}
                  </button>
                </td>
                <td>
                  {h.optimizer} · lr {formatRate(h.learningRate)} · {r.epochsDone}/{h.epochs} ep
                </td>
                <td className="num">{formatPercent(r.bestValScore)}</td>
                <td
                  className="num"
                  data-testid="run-test-accuracy"
                  title={r.testLoss !== null ? `Test loss ${formatLoss(r.testLoss)}` : undefined}
                >
                  {formatPercent(r.testAccuracy)}
                </td>
                <td className="num">{formatSeconds(r.elapsedMs / 1000)}</td>
                <td className="row-actions">
                  {!isLive(r.status) && (
                    <button
                      type="button"
                      data-testid="run-delete"
                      aria-label="Delete run"
                      title="Delete this run"
                      onClick={(e) => {
                        e.stopPropagation()
                        remove(r)
                      }}
                    >
                      ✕
                    </button>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </>
  )
}
