import { useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import type { Api } from '../../../shared/api/contract'
import { EVAL_SPLITS, type EvalSplit, type Evaluation } from '../../../shared/api/insight'
import { formatLoss, formatPercent, formatSeconds } from '../../runs/run-format'
import { useInsight } from '../insight-store'
import { ConfusedPairs } from './ConfusedPairs'
import { ConfusionMatrix } from './ConfusionMatrix'
import { Modal } from '../../modal/Modal'
import { NO_FILTER, type GalleryFilter } from './gallery'
import { MisclassifiedGallery } from './MisclassifiedGallery'
import { PerClassTable } from './PerClassTable'
import { useEvaluation } from './use-evaluation'
import './evaluation.css'

const SPLIT_LABELS: Record<EvalSplit, string> = { test: 'Test', validation: 'Validation' }
const ENGINE_LABELS: Record<Evaluation['engine'], string> = { onnxruntime: 'onnxruntime', tfjs: 'TF.js' }

/**
 * "Evaluate": a trained run's best checkpoint on its test or validation split (`runs.evaluate`,
 * stored by the services after the first time): accuracy, loss and top-5, the confusion matrix,
 * per-class metrics, the most confused pairs and a gallery of the misclassified samples. A sample
 * can be opened on the canvas ("Look inside", the insight store), which closes the dialog.
 */
export function EvaluationDialog({
  api,
  runId,
  onClose,
  onLookInside,
}: {
  api: Api
  runId: string
  onClose(): void
  /** After "Look inside" shows a sample on the canvas. */
  onLookInside?(): void
}) {
  const { split, setSplit, evaluation, loading, error, recompute } = useEvaluation(api, runId)
  const [filter, setFilter] = useState<GalleryFilter>(NO_FILTER)
  const gallery = useRef<HTMLElement>(null)

  /** A matrix cell or a confused pair: the gallery shows that pair's samples. */
  const showPair = (label: number, predicted: number) => {
    setFilter({ label, predicted })
    gallery.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' })
  }
  const lookInside = (index: number) => {
    useInsight.getState().show(runId, { kind: 'dataset', split, index })
    onClose()
    onLookInside?.()
  }

  return createPortal(
    <Modal className="eval-dialog" labelledBy="eval-title" testId="eval-dialog" onClose={onClose}>
      <header className="modal-head eval-head">
        <h2 id="eval-title">Evaluation</h2>
        <div className="eval-splits" role="group" aria-label="Split">
          {EVAL_SPLITS.map((s) => (
            <button
              key={s}
              type="button"
              data-testid={`eval-split-${s}`}
              aria-pressed={split === s}
              onClick={() => setSplit(s)}
            >
              {SPLIT_LABELS[s]}
            </button>
          ))}
        </div>
        <button
          type="button"
          data-testid="eval-recompute"
          disabled={loading}
          title="Run the evaluation again instead of showing the stored one"
          onClick={recompute}
        >
          {loading && evaluation ? 'Recomputing…' : 'Recompute'}
        </button>
        <button
          type="button"
          aria-label="Close"
          data-testid="eval-close"
          className="eval-close"
          onClick={onClose}
        >
          ✕
        </button>
      </header>
      {loading && (
        <p className="muted" role="status" data-testid="eval-loading">
          {evaluation ? 'Recomputing' : 'Evaluating'} the run's best checkpoint on the {split} split… this
          takes a few seconds on a large split.
        </p>
      )}
      {error && (
        <p className="error eval-error" role="alert" data-testid="eval-error">
          Could not evaluate the run on the {split} split: {error}
        </p>
      )}
      {evaluation && (
        <div className="eval-body" aria-busy={loading}>
          <Facts evaluation={evaluation} />
          <div className="eval-columns">
            <ConfusionMatrix
              classes={evaluation.classes}
              confusion={evaluation.confusion}
              selected={filter}
              onSelect={showPair}
            />
            <div className="eval-side">
              <PerClassTable rows={evaluation.perClass} />
              <ConfusedPairs
                pairs={evaluation.confusedPairs}
                classes={evaluation.classes}
                selected={filter}
                onSelect={showPair}
              />
            </div>
          </div>
          <MisclassifiedGallery
            // A new evaluation (another split, a recompute) starts the gallery afresh.
            key={`${evaluation.split}/${evaluation.createdAt}`}
            ref={gallery}
            api={api}
            runId={runId}
            split={evaluation.split}
            classes={evaluation.classes}
            misclassified={evaluation.misclassified}
            filter={filter}
            onFilter={setFilter}
            onLookInside={lookInside}
          />
        </div>
      )}
    </Modal>,
    document.body,
  )
}

/** The headline numbers and where they come from: engine, checkpoint, samples, when. */
function Facts({ evaluation: e }: { evaluation: Evaluation }) {
  return (
    <>
      <dl className="eval-metrics" data-testid="eval-metrics">
        <div>
          <dt>Accuracy</dt>
          <dd data-testid="eval-accuracy">{formatPercent(e.accuracy)}</dd>
        </div>
        <div>
          <dt>Loss</dt>
          <dd data-testid="eval-loss">{formatLoss(e.loss)}</dd>
        </div>
        {e.top5 !== null && (
          <div>
            <dt>Top-5</dt>
            <dd data-testid="eval-top5">{formatPercent(e.top5)}</dd>
          </div>
        )}
      </dl>
      <p className="muted eval-facts" data-testid="eval-facts">
        {SPLIT_LABELS[e.split]} split · {e.samples.toLocaleString('en-US')} samples · best checkpoint, epoch{' '}
        {e.epoch} · {ENGINE_LABELS[e.engine]} · computed {new Date(e.createdAt).toLocaleString()} in{' '}
        {e.elapsedMs < 10_000 ? `${(e.elapsedMs / 1000).toFixed(1)} s` : formatSeconds(e.elapsedMs / 1000)}
      </p>
      {e.engineNote && (
        <p className="muted eval-note" data-testid="eval-engine-note">
          {e.engineNote}
        </p>
      )}
    </>
  )
}
