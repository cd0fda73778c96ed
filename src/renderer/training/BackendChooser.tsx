import { useEffect, useState } from 'react'
import type { Api } from '../../shared/api/contract'
import { BACKEND_NAMES, type BackendChoice, type BackendReport } from '../../shared/api/training'
import { errorMessage } from '../error-message'
import { GpuAdapter } from './GpuAdapter'
import { LabelledSelect } from './LabelledSelect'

/**
 * The TF.js backend to train with: the fastest that loads (`auto`) or a named one, with what
 * `training.backends` found: the backend and device auto picks, why each faster one did not load,
 * and WebGPU's adapter where Dawn found one (a software one is skipped by auto but can be chosen).
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
  const failed = report?.attempts.filter((a) => !a.ok) ?? []
  // A software adapter is refused by auto only: naming webgpu trains on it.
  const unusable = new Set(failed.filter((a) => !a.adapter?.fallback).map((a) => a.name))
  const software = new Set(failed.filter((a) => a.adapter?.fallback).map((a) => a.name))
  const chosen = report?.attempts.find((a) => a.ok)
  return (
    <div className="backend">
      <LabelledSelect
        id="train-backend"
        label="Backend"
        value={value}
        onChange={(b) => onChange(b as BackendChoice | 'auto')}
      >
        <option value="auto">auto (fastest that loads{report ? `: ${report.chosen}` : ''})</option>
        {BACKEND_NAMES.map((b) => (
          <option key={b} value={b} disabled={unusable.has(b)}>
            {b}
            {unusable.has(b) ? ' (does not load here)' : ''}
            {software.has(b) ? ' (software adapter: slow)' : ''}
          </option>
        ))}
      </LabelledSelect>
      <div className="backend-report muted" data-testid="backend-report" aria-live="polite">
        {error && <p className="error">Could not check the backends: {error}</p>}
        {!report && !error && <p>Checking which backends load…</p>}
        {report && (
          <>
            <p>
              Auto trains with <b>{report.chosen}</b> on <b>{report.device}</b>.
            </p>
            {chosen?.adapter && <GpuAdapter adapter={chosen.adapter} />}
            {failed.length > 0 && (
              <ul>
                {failed.map((a) => (
                  <li key={a.name} data-testid={`backend-failed-${a.name}`}>
                    {a.name}:{' '}
                    {a.adapter?.fallback
                      ? `found only a software adapter, slower than wasm, so auto skips it; choose ${a.name} above to train on it anyway.`
                      : (a.reason ?? 'did not load')}
                    {a.adapter && <GpuAdapter adapter={a.adapter} />}
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
