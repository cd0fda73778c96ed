import type { RunStatus } from '../../shared/api/training'
import './status-badge.css'

/** A run's status as a coloured label. */
export function StatusBadge({ status, testId = 'run-status' }: { status: RunStatus; testId?: string }) {
  return (
    <span className={`badge ${status}`} data-testid={testId}>
      {status}
    </span>
  )
}
