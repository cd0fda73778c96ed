import { useMemo, useState } from 'react'
import { diffGraphs, isEmptyDiff } from '../../shared/graph/diff'
import type { ComparedRun } from './compared-run'
import { DiffCanvas } from './DiffCanvas'
import { changeTexts, diffSummary, edgeText, nodeText } from './diff-text'

const versionText = (r: ComparedRun) => (r.graph ? `${r.graph.projectName} v${r.graph.versionId}` : '?')

/**
 * What changed in the network from one run's graph version to another's: with two runs, from the
 * older to the newer; with more, the user picks the base and the other. Drawn on a read-only canvas
 * of the other's graph and listed as text.
 */
export function GraphDiffView({ runs }: { runs: ComparedRun[] }) {
  const [picked, setPicked] = useState<{ base?: string; other?: string }>({})
  // A pick that left the comparison falls back to the oldest and the newest run.
  const base = runs.find((r) => r.id === picked.base) ?? runs[0]
  const other = runs.find((r) => r.id === picked.other) ?? runs[runs.length - 1]
  const sameVersion =
    base.graph &&
    other.graph &&
    base.graph.projectId === other.graph.projectId &&
    base.graph.versionId === other.graph.versionId
  const diff = useMemo(
    () =>
      base.graph && other.graph && !sameVersion
        ? diffGraphs(base.graph.document, other.graph.document)
        : null,
    [base.graph, other.graph, sameVersion],
  )

  const picker = (which: 'base' | 'other', value: ComparedRun, label: string) => (
    <label>
      {label}
      <select
        data-testid={`compare-diff-${which}`}
        value={value.id}
        onChange={(e) => setPicked((p) => ({ ...p, [which]: e.target.value }))}
      >
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {r.tag} · {versionText(r)}
          </option>
        ))}
      </select>
    </label>
  )

  let body
  const missing = [base, other].find((r) => !r.graph)
  if (runs.length < 2) body = <p className="muted">Add another run to see how its graph differs.</p>
  else if (missing)
    body = (
      <p className="error" data-testid="compare-diff-error">
        The graph run {missing.tag} trained could not be read
        {missing.graphError ? `: ${missing.graphError}` : '.'}
      </p>
    )
  else if (base.id === other.id)
    body = <p className="muted">Pick two different runs to compare their graphs.</p>
  else if (sameVersion || !diff)
    body = (
      <p className="muted" data-testid="compare-diff-empty">
        Runs {base.tag} and {other.tag} trained the same version ({versionText(base)}): no graph changes.
      </p>
    )
  else if (isEmptyDiff(diff))
    body = (
      <p className="muted" data-testid="compare-diff-empty">
        {versionText(base)} and {versionText(other)} are the same network: only positions or names changed.
      </p>
    )
  else
    body = (
      <>
        <p data-testid="compare-diff-summary">
          From {base.tag} ({versionText(base)}) to {other.tag} ({versionText(other)}): {diffSummary(diff)}.
          {base.graph!.projectId !== other.graph!.projectId && (
            <span className="muted"> Different projects: layers are matched by their ids.</span>
          )}
        </p>
        <div className="diff-layout">
          <DiffCanvas doc={other.graph!.document} diff={diff} />
          <ul className="diff-list" data-testid="compare-diff-list">
            {diff.added.map((n) => (
              <li key={`+${n.id}`} className="diff-added" data-change="added">
                + {nodeText(n)}
              </li>
            ))}
            {diff.removed.map((n) => (
              <li key={`-${n.id}`} className="diff-removed" data-change="removed">
                − {nodeText(n)}
              </li>
            ))}
            {diff.changed.map((c) => (
              <li key={`~${c.id}`} className="diff-changed" data-change="changed">
                ~ {nodeText(c.node)}: {changeTexts(c).join(', ')}
              </li>
            ))}
            {diff.edgesAdded.map((e) => (
              <li key={`+e${edgeText(e)}`} className="diff-added" data-change="edge-added">
                + connection {edgeText(e)}
              </li>
            ))}
            {diff.edgesRemoved.map((e) => (
              <li key={`-e${edgeText(e)}`} className="diff-removed" data-change="edge-removed">
                − connection {edgeText(e)}
              </li>
            ))}
          </ul>
        </div>
      </>
    )
  return (
    <section className="compare-section" aria-label="Graph changes" data-testid="compare-diff">
      <h3>
        Graph changes
        {runs.length > 2 && (
          <span className="diff-pickers">
            {picker('base', base, 'from')}
            {picker('other', other, 'to')}
          </span>
        )}
      </h3>
      {body}
    </section>
  )
}
