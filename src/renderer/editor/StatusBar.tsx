import { formatBytes, formatCount } from '../format'
import { useAnalysis } from '../store/analysis'
import { useDocument } from '../store/document-store'
import { applyFixOption, fixOptions } from '../store/fixes'
import { useUi } from '../store/ui-store'

/**
 * Totals of the whole graph, every error (a click selects the node, a button applies the fix) and
 * every size warning (a tensor no backend can build: graph/size-limits.ts).
 */
export function StatusBar() {
  const a = useAnalysis()
  const batch = useUi((s) => s.batchSize)
  const setBatch = useUi((s) => s.setBatchSize)
  const select = useUi((s) => s.select)
  const change = useDocument((s) => s.change)
  // The fixes read only what the analysis reads (kinds, parameters, edges): no need to re-render on moves.
  const doc = useDocument.getState().doc
  const datasetClasses = useUi((s) => s.datasetClasses)
  const t = a.totals
  return (
    <footer className="status-bar">
      <div className="totals" data-testid="totals">
        <span>
          <b data-testid="total-trainable">{t.trainable.toLocaleString('en-US')}</b> trainable
        </span>
        <span>
          <b>{t.nonTrainable.toLocaleString('en-US')}</b> non-trainable
        </span>
        <span>
          <b data-testid="total-macs">{formatCount(t.macs)}</b> MACs
        </span>
        <span>
          <b>{formatBytes(t.activationBytes * batch)}</b> activations at batch{' '}
          <input
            className="batch"
            aria-label="Batch size"
            type="number"
            min={1}
            value={batch}
            onChange={(e) => setBatch(Math.max(1, Math.floor(Number(e.target.value)) || 1))}
          />
        </span>
      </div>
      {a.warnings.length > 0 && (
        <ul className="warnings" aria-label="Warnings" data-testid="warnings">
          {a.warnings.map((w) => (
            <li key={w.nodeId ?? ''}>
              {w.nodeId === null ? (
                'Totals'
              ) : (
                <button type="button" className="link" onClick={() => select([w.nodeId!])}>
                  {w.nodeId}
                </button>
              )}
              : {w.message}
            </li>
          ))}
        </ul>
      )}
      {(a.errors.length > 0 || a.documentErrors.length > 0) && (
        <ul className="errors" aria-label="Errors" data-testid="errors">
          {a.documentErrors.map((m) => (
            <li key={m}>{m}</li>
          ))}
          {a.errors.map((e) => (
            <li key={e.nodeId}>
              <button type="button" className="link" onClick={() => select([e.nodeId])}>
                {e.nodeId}
              </button>
              : {e.message}
              {fixOptions(doc, a, e.nodeId, datasetClasses).map((o) => (
                <button
                  key={o.label}
                  type="button"
                  className="fix"
                  onClick={() => change((d) => applyFixOption(d, e.nodeId, o))}
                >
                  {o.label}
                </button>
              ))}
            </li>
          ))}
        </ul>
      )}
    </footer>
  )
}
