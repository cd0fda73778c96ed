import { useState, type ReactNode } from 'react'
import type { Api } from '../../shared/api/contract'
import type { Hyperparameters } from '../../shared/api/training'
import { RunCharts } from './RunCharts'
import { RunControls } from './RunControls'
import { formatLoss, formatPercent, formatRate } from '../runs/run-format'
import { isLive } from './run-view'
import { RunProgress } from './RunProgress'
import { StatusBadge } from '../runs/StatusBadge'
import { useInsight } from '../insight/insight-store'
import { useRunView } from './use-run-view'
import { Elapsed } from './Elapsed'

/** The evaluation dialog of a run, composed in by Workspace (training/ does not import insight/). */
export type EvaluationDialogSlot = (props: {
  runId: string
  onClose(): void
  /** A sample was opened on the canvas. */
  onLookInside?(): void
}) => ReactNode

/**
 * One run: status, engine (TF.js and its backend, or PyTorch) and device, controls, live progress, curves, and the test results once
 * it has them. Kept live from the training events.
 */
export function RunDetails({
  api,
  runId,
  onReuse,
  evaluationDialog,
  onLookInside,
}: {
  api: Api
  runId: string
  /** Copies the run's hyperparameters into the form. */
  onReuse(h: Hyperparameters): void
  /** Opens "Evaluate" for a run with an epoch done; without it there is no Evaluate button. */
  evaluationDialog?: EvaluationDialogSlot
  /** After a sample of the run is shown on the canvas (the panel makes room for it). */
  onLookInside?(): void
}) {
  const { view, error, dispatch } = useRunView(api, runId)
  const [evaluating, setEvaluating] = useState(false)
  const run = view?.summary
  if (error && !run)
    return (
      <section className="run" data-testid="run-shown">
        <p className="error" role="alert" data-testid="run-error">
          Could not open the run: {error}
        </p>
      </section>
    )
  if (!view || !run)
    return (
      <section className="run" data-testid="run-shown">
        <p className="muted">Opening the run…</p>
      </section>
    )
  const h = run.hyperparameters
  return (
    <section className="run" data-testid="run-shown" aria-label="Run">
      <h3>
        <StatusBadge status={run.status} testId="run-shown-status" /> {run.dataset?.name ?? 'dataset'} ·{' '}
        {new Date(run.createdAt).toLocaleString()}
      </h3>
      <p className="muted run-facts">
        <span data-testid="run-settings">
          {h.optimizer} · lr {formatRate(h.learningRate)} · batch {h.batchSize} · {run.epochsDone}/{h.epochs}{' '}
          epochs
        </span>
        {run.backend && (
          <span data-testid="run-backend">
            {' '}
            · {run.engine.name === 'pytorch' ? 'PyTorch' : `TF.js ${run.backend}`} on{' '}
            {run.device ?? 'unknown device'}
          </span>
        )}
        {!run.backend && run.engine.name === 'pytorch' && <span data-testid="run-backend"> · PyTorch</span>} ·{' '}
        <Elapsed run={run} testId="run-elapsed" />{' '}
        <button type="button" className="link" data-testid="run-reuse" onClick={() => onReuse(h)}>
          Use these settings
        </button>
        {run.epochsDone > 0 && (
          <>
            {' '}
            ·{' '}
            <button
              type="button"
              className="link"
              data-testid="run-look-inside"
              title="Show every layer's output for a test sample on the canvas"
              onClick={() => {
                useInsight.getState().show(run.id, { kind: 'dataset', split: 'test', index: 0 })
                onLookInside?.()
              }}
            >
              Look inside
            </button>
          </>
        )}
      </p>
      {run.message && (
        <p className={run.status === 'failed' ? 'error' : 'muted'} data-testid="run-message">
          {run.message}
        </p>
      )}
      {run.testAccuracy !== null && (
        <p className="run-test" data-testid="run-test">
          Test accuracy {formatPercent(run.testAccuracy)} · test loss {formatLoss(run.testLoss)}
        </p>
      )}
      <RunControls api={api} run={run} onChanged={(r) => dispatch({ type: 'status', run: r })} />
      {evaluationDialog && run.epochsDone > 0 && (
        <button type="button" data-testid="run-evaluate" onClick={() => setEvaluating(true)}>
          Evaluate…
        </button>
      )}
      {evaluating && evaluationDialog?.({ runId: run.id, onClose: () => setEvaluating(false), onLookInside })}
      {isLive(run.status) && <RunProgress run={run} progress={view.progress} />}
      <RunCharts view={view} />
    </section>
  )
}
