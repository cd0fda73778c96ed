import { Handle, Position, type NodeProps } from '@xyflow/react'
import { memo } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { GraphDocument } from '../../shared/graph/document'
import { resolveKind } from '../../shared/graph/kinds'
import { formatShape } from '../../shared/tensor/shape'
import { formatCount } from '../format'
import { NodeThumbnail } from '../insight/network/NodeThumbnail'
import { analyse } from '../store/analysis'
import { useDocument } from '../store/document-store'
import { toggleBlock } from './graph-commands'
import { nodeById } from './node-by-id'
import { ShapeFormula } from './ShapeFormula'

/**
 * What a card shows, as plain values: the card re-renders only when one of them changes, not on
 * every edit or drag frame elsewhere in the graph.
 */
function cardView(doc: GraphDocument, id: string) {
  const node = nodeById(doc, id)
  if (!node) return null
  const a = analyse(doc).nodes[id]
  const resolved = resolveKind(node.kind)
  const spec = resolved?.spec
  const count = a?.params ? a.params.trainable + a.params.nonTrainable : 0
  return {
    label: spec?.palette.label ?? node.kind,
    category: spec?.palette.category ?? 'unknown',
    name: node.name ?? node.id,
    ports: a?.inputCount ?? 1,
    output: node.kind !== 'Output',
    status: a?.status ?? 'unknown',
    summary: a?.summary ?? '',
    shape: a?.outputShape ? formatShape(a.outputShape) : null,
    error: a?.error?.message ?? null,
    warning: a?.warning ?? null,
    params: count > 0 ? formatCount(count) : null,
    expanded: Boolean(node.expanded && a?.inner),
    block: resolved?.type === 'block',
  }
}

/**
 * A node card: kind, key parameters (or, for a size no backend can build, the warning in their
 * place), output shape (or the error), parameters. Reads everything by id.
 */
export const LayerNode = memo(function LayerNode({ id, selected }: NodeProps) {
  const v = useDocument(useShallow((s) => cardView(s.doc, id)))
  if (!v) return null
  return (
    <div
      className={`layer-node category-${v.category} status-${v.status}${v.warning ? ' has-warning' : ''}${selected ? ' selected' : ''}${v.expanded ? ' expanded' : ''}`}
      data-testid={`node-${id}`}
      title={v.error ?? v.warning?.message ?? undefined}
    >
      {Array.from({ length: v.ports }, (_, i) => (
        <Handle
          key={i}
          id={`in-${i}`}
          type="target"
          position={Position.Top}
          style={{ left: `${((i + 1) / (v.ports + 1)) * 100}%` }}
          title={v.ports > 1 ? `input ${i + 1}` : 'input'}
        />
      ))}
      <div className="layer-node-head" title={`${v.label} · ${v.name}`}>
        <span className="layer-node-kind">{v.label}</span>
        <span className="layer-node-name">{v.name}</span>
        {v.block && (
          <button
            type="button"
            className="layer-node-toggle nodrag"
            onClick={() => toggleBlock(id)}
            aria-expanded={v.expanded}
            data-testid={`toggle-${id}`}
            title={v.expanded ? 'Collapse the block' : 'Show the layers inside (or double-click the block)'}
          >
            {v.expanded ? '▾' : '▸'}
          </button>
        )}
      </div>
      {v.warning ? (
        <div className="layer-node-warning" data-testid={`warning-${id}`}>
          ⚠ {v.warning.short}
        </div>
      ) : (
        <div className="layer-node-summary">{v.summary}</div>
      )}
      <div className="layer-node-foot">
        {v.status === 'ok' && v.shape ? (
          <span className="layer-node-shape" data-testid={`shape-${id}`}>
            <ShapeFormula nodeId={id}>{v.shape}</ShapeFormula>
          </span>
        ) : v.status === 'error' ? (
          <span className="layer-node-error">{v.error}</span>
        ) : (
          <span className="layer-node-unknown" data-testid={`shape-${id}`}>
            ?
          </span>
        )}
        {v.params && <span className="layer-node-params">{v.params}</span>}
      </div>
      {v.output && <Handle id="out" type="source" position={Position.Bottom} />}
      <NodeThumbnail id={id} />
    </div>
  )
})
