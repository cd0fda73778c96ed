import { useState } from 'react'
import { formatPercent } from '../runs/run-format'
import type { RunCatalog } from './use-comparison'

const when = (iso: string) => new Date(iso).toLocaleString()

/** Adds a run of any project to the comparison: every run not yet in it, grouped by project name. */
export function RunPicker({
  catalog,
  chosen,
  onAdd,
}: {
  catalog: RunCatalog | null
  chosen: string[]
  onAdd(runId: string): void
}) {
  const [value, setValue] = useState('')
  if (!catalog) return <p className="muted compare-picker">Listing the runs of every project…</p>
  if (catalog.error)
    return (
      <p className="error compare-picker" data-testid="compare-catalog-error">
        Could not list the runs of other projects: {catalog.error}
      </p>
    )
  const groups = catalog.groups
    .map((g) => ({ ...g, runs: g.runs.filter((r) => !chosen.includes(r.id)) }))
    .filter((g) => g.runs.length > 0)
  if (groups.length === 0) return null
  return (
    <div className="compare-picker">
      <label>
        Add a run
        <select data-testid="compare-add" value={value} onChange={(e) => setValue(e.target.value)}>
          <option value="">Choose a run of any project…</option>
          {groups.map((g) => (
            <optgroup key={g.projectId} label={g.projectName}>
              {g.runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.dataset?.name ?? 'no dataset'} · {when(r.createdAt)} · {r.status} ·{' '}
                  {formatPercent(r.testAccuracy ?? r.bestValScore)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <button
        type="button"
        data-testid="compare-add-button"
        disabled={!value}
        onClick={() => {
          onAdd(value)
          setValue('')
        }}
      >
        Add
      </button>
    </div>
  )
}
