import { useState } from 'react'
import type { Hyperparameters } from '../../shared/api/training'
import { differingHyperparameters } from '../../shared/training/hyperparameter-diff'
import { formatCount } from '../format'
import { formatPercent, formatSeconds } from '../runs/run-format'
import { formatHyperparameter } from '../training/hyperparameter-format'
import { HYPERPARAMETER_FIELDS, labelOf } from '../training/hyperparameters'
import type { ComparedRun } from './compared-run'

interface Row {
  key: string
  label: string
  values: string[]
  /** Settings that are not the same in every run are highlighted; results are not settings. */
  differs: boolean
}

const engineOf = (r: ComparedRun) =>
  r.run.engine.name === 'pytorch' ? 'PyTorch' : `TF.js${r.run.backend ? ` ${r.run.backend}` : ''}`

/** Rows whose values are compared as text: what the run trained, on what, and with which engine. */
function textRow(key: string, label: string, values: string[]): Row {
  return { key, label, values, differs: values.some((v) => v !== values[0]) }
}

/**
 * The runs side by side: what each trained (graph version, dataset, engine), every hyperparameter
 * (those that differ highlighted), and the results.
 */
export function HyperparameterTable({ runs }: { runs: ComparedRun[] }) {
  const [onlyDiffering, setOnlyDiffering] = useState(false)
  const differing = new Set<string>(differingHyperparameters(runs.map((r) => r.run.hyperparameters)))
  const settings: Row[] = [
    textRow(
      'graph',
      'Graph',
      runs.map((r) => (r.graph ? `${r.graph.projectName} v${r.graph.versionId}` : '–')),
    ),
    textRow(
      'dataset',
      'Dataset',
      runs.map((r) => r.run.dataset?.name ?? '–'),
    ),
    textRow('engine', 'Engine', runs.map(engineOf)),
    ...HYPERPARAMETER_FIELDS.map(({ key }) => ({
      key,
      label: labelOf(key),
      values: runs.map((r) => formatHyperparameter(key, r.run.hyperparameters[key as keyof Hyperparameters])),
      differs: differing.has(key),
    })),
  ]
  const results: Row[] = [
    { key: 'epochsDone', label: 'Epochs done', values: runs.map((r) => String(r.run.epochsDone)) },
    {
      key: 'bestVal',
      label: 'Best validation accuracy',
      values: runs.map((r) => formatPercent(r.run.bestValScore)),
    },
    { key: 'test', label: 'Test accuracy', values: runs.map((r) => formatPercent(r.run.testAccuracy)) },
    {
      key: 'params',
      label: 'Parameters',
      values: runs.map((r) => (r.totals ? formatCount(r.totals.params) : '–')),
    },
    {
      key: 'macs',
      label: 'MACs per image',
      values: runs.map((r) => (r.totals ? formatCount(r.totals.macs) : '–')),
    },
    { key: 'time', label: 'Time', values: runs.map((r) => formatSeconds(r.run.elapsedMs / 1000)) },
  ].map((r) => ({ ...r, differs: false }))
  const count = settings.filter((r) => r.differs).length
  const shown = onlyDiffering ? settings.filter((r) => r.differs) : settings
  return (
    <section className="compare-section" aria-label="Settings and results">
      <h3>
        Settings and results
        <span className="muted" data-testid="compare-differing-count">
          {runs.length < 2
            ? ''
            : count === 0
              ? 'every setting is the same'
              : `${count} setting${count === 1 ? '' : 's'} differ${count === 1 ? 's' : ''}`}
        </span>
        <label className="compare-only">
          <input
            type="checkbox"
            data-testid="compare-only-differing"
            checked={onlyDiffering}
            onChange={(e) => setOnlyDiffering(e.target.checked)}
          />
          Only differences
        </label>
      </h3>
      <div className="compare-table-scroll">
        <table className="compare-table" data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">Setting</span>
              </th>
              {runs.map((r) => (
                <th key={r.id} scope="col" title={r.label}>
                  <span className="run-swatch" style={{ background: r.color }} /> {r.tag}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <RowView key={row.key} row={row} />
            ))}
            <tr className="compare-group">
              <th scope="rowgroup" colSpan={runs.length + 1}>
                Results
              </th>
            </tr>
            {results.map((row) => (
              <RowView key={row.key} row={row} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function RowView({ row }: { row: Row }) {
  return (
    <tr
      className={row.differs ? 'differs' : undefined}
      data-testid="compare-row"
      data-key={row.key}
      data-differs={row.differs}
    >
      <th scope="row">{row.label}</th>
      {row.values.map((v, i) => (
        <td key={i}>{v}</td>
      ))}
    </tr>
  )
}
