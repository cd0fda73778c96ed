import type { RunSummary } from '../../shared/api/training'
import { formatPercent } from '../runs/run-format'
import { StatusBadge } from '../runs/StatusBadge'
import { formatDate, UNTRAINED } from './export-format'

/**
 * What to export, as radio buttons: each run that saved weights (newest first) with its status,
 * epochs, accuracies and date, then the project's untrained weights.
 */
export function SourceList({
  runs,
  latestVersionId,
  value,
  onChange,
  disabled,
}: {
  /** The runs with weights, newest first. */
  runs: RunSummary[]
  /** The project's latest saved version, to flag runs of an earlier graph; null when unknown. */
  latestVersionId: number | null
  value: string
  onChange(value: string): void
  disabled?: boolean
}) {
  return (
    <ul className="export-sources">
      {runs.map((r) => (
        <li key={r.id}>
          <label>
            <input
              type="radio"
              name="export-source"
              value={r.id}
              data-testid="export-source"
              checked={value === r.id}
              disabled={disabled}
              onChange={() => onChange(r.id)}
            />
            <span className="source-text">
              <span className="source-title">
                <StatusBadge status={r.status} testId="export-source-status" /> {r.dataset?.name ?? 'Run'} ·{' '}
                {r.epochsDone} {r.epochsDone === 1 ? 'epoch' : 'epochs'}
              </span>
              <span className="muted">
                best val {formatPercent(r.bestValScore)} · test {formatPercent(r.testAccuracy)} ·{' '}
                {formatDate(r.createdAt)}
                {latestVersionId !== null &&
                  r.versionId !== latestVersionId &&
                  ' · earlier version of the graph'}
              </span>
            </span>
          </label>
        </li>
      ))}
      <li>
        <label>
          <input
            type="radio"
            name="export-source"
            value={UNTRAINED}
            data-testid="export-source"
            checked={value === UNTRAINED}
            disabled={disabled}
            onChange={() => onChange(UNTRAINED)}
          />
          <span className="source-text">
            <span className="source-title">Untrained weights</span>
            <span className="muted">The latest saved graph with freshly initialised weights</span>
          </span>
        </label>
      </li>
    </ul>
  )
}
