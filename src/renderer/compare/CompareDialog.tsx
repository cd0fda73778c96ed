import { Modal } from '../modal/Modal'
import type { Api } from '../../shared/api/contract'
import { formatCount } from '../format'
import { formatPercent } from '../runs/run-format'
import { LineChart, type Series } from '../training/LineChart'
import type { ComparedRun } from './compared-run'
import { GraphDiffView } from './GraphDiffView'
import { HyperparameterTable } from './HyperparameterTable'
import { RunPicker } from './RunPicker'
import { ScatterChart, type ScatterPoint } from './ScatterChart'
import { useComparison } from './use-comparison'

import './compare.css'

const percent = (v: number) => `${Number((v * 100).toPrecision(4))}%`

/** One series per run of a per-epoch validation value, named by the run's label. */
const curves = (runs: ComparedRun[], value: 'valAccuracy' | 'valLoss'): Series[] =>
  runs.map((r) => ({
    name: r.label,
    color: r.color,
    points: r.run.epochs.flatMap((e) => (e[value] === undefined ? [] : [{ x: e.epoch, y: e[value] }])),
  }))

const scatter = (runs: ComparedRun[], x: 'params' | 'macs'): ScatterPoint[] =>
  runs.flatMap((r) =>
    r.totals && r.score
      ? [
          {
            x: r.totals[x],
            y: r.score.value,
            label: r.tag,
            color: r.color,
            title: `${r.label}: ${r.score.of} accuracy ${formatPercent(r.score.value)}, ${formatCount(r.totals[x])} ${x === 'params' ? 'parameters' : 'MACs'}`,
          },
        ]
      : [],
  )

/**
 * "Compare runs": a modal over the editor with the runs' validation curves overlaid, their settings
 * side by side (differences highlighted), what changed in the graph between their versions, and
 * accuracy against parameters and MACs. Runs of any project can be added.
 */
export function CompareDialog({ api, runIds, onClose }: { api: Api; runIds: string[]; onClose(): void }) {
  const { ids, runs, unreadable, pending, catalog, add, remove } = useComparison(api, runIds)

  const noTest = runs.some((r) => r.score?.of === 'validation')
  return (
    <Modal className="compare-dialog" labelledBy="compare-title" testId="compare-dialog" onClose={onClose}>
      <header className="modal-head">
        <h2 id="compare-title">Compare runs</h2>
        <button type="button" aria-label="Close" data-testid="compare-close" onClick={onClose}>
          ✕
        </button>
      </header>
      <ul className="compare-legend" data-testid="compare-legend" aria-label="Runs compared">
        {runs.map((r) => (
          <li key={r.id} data-testid="compare-run" data-run-id={r.id}>
            <span className="run-swatch" style={{ background: r.color }} />
            <span className="compare-run-label">{r.label}</span>
            {ids.length > 1 && (
              <button
                type="button"
                className="link"
                aria-label={`Remove run ${r.tag} from the comparison`}
                data-testid="compare-remove"
                onClick={() => remove(r.id)}
              >
                remove
              </button>
            )}
          </li>
        ))}
        {unreadable.map((l) => (
          <li key={l.id} className="error" data-testid="compare-unreadable">
            Run {l.id.slice(0, 8)} could not be read: {l.error}
          </li>
        ))}
        {pending > 0 && <li className="muted">Reading {pending === 1 ? 'a run' : `${pending} runs`}…</li>}
      </ul>
      <RunPicker catalog={catalog} chosen={ids} onAdd={add} />
      {runs.length > 0 && (
        <>
          <section className="compare-section compare-charts" aria-label="Curves">
            <LineChart
              title="Validation accuracy"
              xLabel="epoch"
              testId="compare-accuracy"
              series={curves(runs, 'valAccuracy')}
              yFormat={percent}
              integerX
              legend={false}
            />
            <LineChart
              title="Validation loss"
              xLabel="epoch"
              testId="compare-loss"
              series={curves(runs, 'valLoss')}
              integerX
              legend={false}
            />
          </section>
          <HyperparameterTable runs={runs} />
          <GraphDiffView runs={runs} />
          <section className="compare-section" aria-label="Accuracy against size">
            <h3>
              Accuracy against size
              <span className="muted">
                {noTest ? 'test accuracy; best validation accuracy for runs without a test' : 'test accuracy'}
              </span>
            </h3>
            <div className="compare-charts">
              <ScatterChart
                title="Accuracy by parameters"
                xLabel="parameters"
                testId="compare-scatter-params"
                points={scatter(runs, 'params')}
                yFormat={percent}
              />
              <ScatterChart
                title="Accuracy by MACs"
                xLabel="MACs per image"
                testId="compare-scatter-macs"
                points={scatter(runs, 'macs')}
                yFormat={percent}
              />
            </div>
          </section>
        </>
      )}
    </Modal>
  )
}
