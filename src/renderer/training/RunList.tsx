import { useMemo, useState } from 'react'
import type { Api } from '../../shared/api/contract'
import type { RunSummary } from '../../shared/api/training'
import { differingHyperparameters } from '../../shared/training/hyperparameter-diff'
import { errorMessage } from '../error-message'
import { shortHyperparameter } from './hyperparameter-format'
import { formatLoss, formatPercent, formatRate } from '../runs/run-format'
import { isLive } from './run-view'
import { Elapsed } from './Elapsed'
import { StatusBadge } from '../runs/StatusBadge'

/** Shown on every row's first line of settings; the line under it names the other differences. */
const ALWAYS_SHOWN = new Set(['optimizer', 'learningRate', 'epochs'])

/**
 * The project's runs, newest first: status, dataset, settings (and under them every other
 * hyperparameter that differs among the runs), best validation and test accuracy, time spent. A row
 * opens its run; finished ones can be deleted. With `onCompare`, rows can be ticked and compared.
 */
export function RunList({
  api,
  runs,
  selected,
  onOpen,
  onDeleted,
  onCompare,
}: {
  api: Api
  runs: RunSummary[]
  selected: string | null
  onOpen(runId: string): void
  onDeleted(runId: string): void
  /** Opens the comparison of the ticked runs; without it the rows have no boxes to tick. */
  onCompare?(runIds: string[]): void
}) {
  const [error, setError] = useState<string | null>(null)
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set())
  const differing = useMemo(
    () => differingHyperparameters(runs.map((r) => r.hyperparameters)).filter((k) => !ALWAYS_SHOWN.has(k)),
    [runs],
  )
  // Deleted runs drop out of the comparison.
  const chosen = runs.filter((r) => ticked.has(r.id)).map((r) => r.id)
  const tick = (id: string, on: boolean) =>
    setTicked((t) => {
      const next = new Set(t)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })
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
      {onCompare && (
        <div className="runs-compare">
          <button
            type="button"
            data-testid="runs-compare"
            disabled={chosen.length < 2}
            title={chosen.length < 2 ? 'Tick two runs or more to compare them' : undefined}
            onClick={() => onCompare(chosen)}
          >
            Compare ({chosen.length})
          </button>
          {chosen.length < 2 && <span className="muted">Tick two runs or more to compare them.</span>}
        </div>
      )}
      <table className="runs" data-testid="runs-list">
        <thead>
          <tr>
            {onCompare && (
              <th scope="col">
                <span className="sr-only">Compare</span>
              </th>
            )}
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
                {onCompare && (
                  <td className="run-tick" onClick={(e) => e.stopPropagation()}>
                    <input
                      type="checkbox"
                      data-testid="run-compare"
                      aria-label={`Compare the run of ${new Date(r.createdAt).toLocaleString()}`}
                      checked={ticked.has(r.id)}
                      onChange={(e) => tick(r.id, e.target.checked)}
                    />
                  </td>
                )}
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
                  {differing.length > 0 && (
                    <div className="run-differs" data-testid="run-differs">
                      {differing.map((k) => shortHyperparameter(k, h)).join(' · ')}
                    </div>
                  )}
                </td>
                <td className="num">{formatPercent(r.bestValScore)}</td>
                <td
                  className="num"
                  data-testid="run-test-accuracy"
                  title={r.testLoss !== null ? `Test loss ${formatLoss(r.testLoss)}` : undefined}
                >
                  {formatPercent(r.testAccuracy)}
                </td>
                <td className="num">
                  <Elapsed run={r} />
                </td>
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
