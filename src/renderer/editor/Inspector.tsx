import { resolveKind } from '../../shared/graph/kinds'
import { parseParams } from '../../shared/graph/parse-params'
import { formatShape } from '../../shared/tensor/shape'
import { formatCount } from '../format'
import { fieldsOf } from '../forms/param-fields'
import { useAnalysis } from '../store/analysis'
import { useDocument } from '../store/document-store'
import { renameNode, setParam } from '../store/edits'
import { applyFixOption, fixOptions } from '../store/fixes'
import { useUi } from '../store/ui-store'
import { toggleBlock } from './graph-commands'
import { nodeById } from './node-by-id'
import { ParamField } from './ParamField'
import { ShapeFormula } from './ShapeFormula'

/** The selected node's parameters, generated from its kind's schema, and what the analysis says. */
export function Inspector() {
  const selection = useUi((s) => s.selection)
  const id = selection.size === 1 ? [...selection][0] : null
  const node = useDocument((s) => (id ? nodeById(s.doc, id) : undefined))
  const change = useDocument((s) => s.change)
  // The fixes read only what the analysis reads (kinds, parameters, edges): no need to re-render on moves.
  const doc = useDocument.getState().doc
  const datasetClasses = useUi((s) => s.datasetClasses)
  const analysis = useAnalysis()
  if (!node) {
    return (
      <aside className="inspector muted" aria-label="Inspector">
        {selection.size > 1 ? `${selection.size} nodes selected.` : 'Select a node to edit its parameters.'}
      </aside>
    )
  }
  const resolved = resolveKind(node.kind)
  const a = analysis.nodes[node.id]
  const defaults = resolved ? (parseParams(resolved.spec.params, {}).value as Record<string, unknown>) : {}
  return (
    <aside className="inspector" aria-label="Inspector">
      <header>
        <h2>{resolved?.spec.palette.label ?? node.kind}</h2>
        <input
          aria-label="Name"
          value={node.name ?? node.id}
          onChange={(e) =>
            change((d) => renameNode(d, node.id, e.target.value === node.id ? '' : e.target.value))
          }
        />
        {resolved && <p className="muted">{resolved.spec.palette.doc}</p>}
      </header>
      {resolved?.type === 'block' && (
        <button type="button" onClick={() => toggleBlock(node.id)}>
          {node.expanded ? 'Collapse block' : 'Show layers'}
        </button>
      )}
      {resolved && (
        <form className="params" onSubmit={(e) => e.preventDefault()}>
          {fieldsOf(resolved.spec.params).map((f) => (
            <ParamField
              key={f.key}
              field={f}
              value={node.params[f.key] ?? defaults[f.key]}
              invalid={a?.error?.param === f.key}
              onChange={(v) => change((d) => setParam(d, node.id, f.key, v))}
            />
          ))}
        </form>
      )}
      {a && (
        <dl className="facts">
          <dt>Input</dt>
          <dd>{a.inputShapes.map((s) => (s ? formatShape(s) : '?')).join(', ') || '—'}</dd>
          <dt>Output</dt>
          <dd data-testid="inspector-output">
            {a.outputShape ? <ShapeFormula nodeId={node.id}>{formatShape(a.outputShape)}</ShapeFormula> : '?'}
          </dd>
          <dt>Parameters</dt>
          <dd>
            {a.params
              ? `${formatCount(a.params.trainable)} trainable, ${formatCount(a.params.nonTrainable)} non-trainable`
              : '?'}
          </dd>
          <dt>MACs</dt>
          <dd>{a.macs !== null ? formatCount(a.macs) : '?'}</dd>
        </dl>
      )}
      {a?.error && (
        <div className="node-error" role="alert">
          <p>{a.error.message}</p>
          {fixOptions(doc, analysis, node.id, datasetClasses).map((o) => (
            <button key={o.label} type="button" onClick={() => change((d) => applyFixOption(d, node.id, o))}>
              {o.label}
            </button>
          ))}
        </div>
      )}
      {a?.inner && node.expanded && (
        <table className="inner">
          <tbody>
            {a.inner.map((key) => {
              const n = analysis.inner[key]
              return (
                <tr key={key}>
                  <td>{key.slice(node.id.length + 1)}</td>
                  <td>{n.kind}</td>
                  <td>{n.outputShape ? formatShape(n.outputShape) : '?'}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </aside>
  )
}
