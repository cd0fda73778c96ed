import { Handle, Position, type NodeProps } from '@xyflow/react'
import { memo } from 'react'
import { resolveKind } from '../../shared/graph/kinds'
import { formatShape } from '../../shared/tensor/shape'
import { useAnalysis } from '../store/analysis'
import { useDocument } from '../store/document-store'
import { formatCount } from '../format'
import { hasOutput, inputCount, nodeById } from './kind-info'

/** A node card: kind, key parameters, output shape (or the error), parameters. Reads everything by id. */
export const LayerNode = memo(function LayerNode({ id, selected }: NodeProps) {
  const node = useDocument((s) => nodeById(s.doc, id))
  const a = useAnalysis().nodes[id]
  if (!node) return null
  const spec = resolveKind(node.kind)?.spec
  const ports = node.kind === 'Input' ? 0 : inputCount(node)
  const status = a?.status ?? 'unknown'
  const count = a?.params ? a.params.trainable + a.params.nonTrainable : null
  return (
    <div
      className={`layer-node category-${spec?.palette.category ?? 'unknown'} status-${status}${selected ? ' selected' : ''}${node.expanded && a?.inner ? ' expanded' : ''}`}
      data-testid={`node-${id}`}
      title={a?.error?.message}
    >
      {Array.from({ length: ports }, (_, i) => (
        <Handle
          key={i}
          id={`in-${i}`}
          type="target"
          position={Position.Top}
          style={{ left: `${((i + 1) / (ports + 1)) * 100}%` }}
          title={ports > 1 ? `input ${i + 1}` : 'input'}
        />
      ))}
      <div className="layer-node-head">
        <span className="layer-node-kind">{spec?.palette.label ?? node.kind}</span>
        <span className="layer-node-name">{node.name ?? node.id}</span>
      </div>
      <div className="layer-node-summary">{a?.summary ?? ''}</div>
      <div className="layer-node-foot">
        {status === 'ok' && a?.outputShape ? (
          <span className="layer-node-shape" data-testid={`shape-${id}`}>
            {formatShape(a.outputShape)}
          </span>
        ) : status === 'error' ? (
          <span className="layer-node-error">{a?.error?.message}</span>
        ) : (
          <span className="layer-node-unknown" data-testid={`shape-${id}`}>
            ?
          </span>
        )}
        {count !== null && count > 0 && <span className="layer-node-params">{formatCount(count)}</span>}
      </div>
      {hasOutput(node) && <Handle id="out" type="source" position={Position.Bottom} />}
    </div>
  )
})
