import type { BatchProgress, RunSummary } from '../../shared/api/training'
import { formatLoss, formatSeconds, formatSpeed } from '../runs/run-format'

/**
 * Where a live run is: epoch e/E and batch b/B as a bar over the whole run, the training speed and
 * the time left, from the latest `training.batch` event ("estimating…" while the first batches warm up).
 */
export function RunProgress({ run, progress }: { run: RunSummary; progress: BatchProgress | null }) {
  const epochs = run.hyperparameters.epochs
  const done = progress ? progress.epoch - 1 + progress.batch / progress.batches : run.epochsDone
  return (
    <div className="train-progress" data-testid="train-progress">
      <progress
        data-testid="train-progress-bar"
        aria-label="Training progress"
        max={epochs}
        value={Math.min(done, epochs)}
      />
      <p data-testid="train-progress-text">
        {progress && run.status === 'paused' ? (
          `Paused at epoch ${progress.epoch}/${epochs} · batch ${progress.batch}/${progress.batches}.`
        ) : progress ? (
          <>
            Epoch {progress.epoch}/{epochs} · batch {progress.batch}/{progress.batches} ·{' '}
            <span data-testid="train-speed">{formatSpeed(progress.samplesPerSecond)}</span> · ETA{' '}
            <span data-testid="train-eta">
              {progress.etaSeconds === null ? 'estimating…' : formatSeconds(progress.etaSeconds)}
            </span>{' '}
            · loss {formatLoss(progress.loss)}
          </>
        ) : run.status === 'paused' ? (
          `Paused after epoch ${run.epochsDone}/${epochs}.`
        ) : run.status === 'queued' ? (
          'Queued: loading the dataset and building the model…'
        ) : (
          `Epoch ${Math.min(run.epochsDone + 1, epochs)}/${epochs}: waiting for the first batch…`
        )}
      </p>
    </div>
  )
}
