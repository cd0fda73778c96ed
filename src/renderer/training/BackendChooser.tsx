import { useEffect, useState } from 'react'
import type { Api } from '../../shared/api/contract'
import { BACKEND_NAMES, type BackendChoice, type BackendReport } from '../../shared/api/training'
import { errorMessage } from '../error-message'

/**
 * The TF.js backend to train with: the fastest that loads (`auto`) or a named one, with what
 * `training.backends` found: the backend and device auto picks, and why each faster one did not load.
 */
export function BackendChooser({
  api,
  value,
  onChange,
}: {
  api: Api
  value: BackendChoice | 'auto'
  onChange(value: BackendChoice | 'auto'): void
}) {
  const [report, setReport] = useState<BackendReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let current = true
    api.training.backends().then(
      (r) => current && setReport(r),
      (e: unknown) => current && setError(errorMessage(e)),
    )
    return () => {
      current = false
    }
  }, [api])
  const failed = new Map(report?.attempts.filter((a) => !a.ok).map((a) => [a.name, a.reason]) ?? [])
  return (
    <div className="backend">
      <div className="hp">
        <label htmlFor="train-backend">Backend</label>
        <select
          id="train-backend"
          data-testid="train-backend"
          value={value}
          onChange={(e) => onChange(e.target.value as BackendChoice | 'auto')}
        >
          <option value="auto">auto (fastest that loads{report ? `: ${report.chosen}` : ''})</option>
          {BACKEND_NAMES.map((b) => (
            <option key={b} value={b} disabled={failed.has(b)}>
              {b}
              {failed.has(b) ? ' (does not load here)' : ''}
            </option>
          ))}
        </select>
      </div>
      <div className="backend-report muted" data-testid="backend-report" aria-live="polite">
        {error && <p className="error">Could not check the backends: {error}</p>}
        {!report && !error && <p>Checking which backends load…</p>}
        {report && (
          <>
            <p>
              Auto trains with <b>{report.chosen}</b> on <b>{report.device}</b>.
            </p>
            {failed.size > 0 && (
              <ul>
                {[...failed].map(([name, reason]) => (
                  <li key={name}>
                    {name}: {reason ?? 'did not load'}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </div>
  )
}
