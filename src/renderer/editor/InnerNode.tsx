import type { NodeProps } from '@xyflow/react'
import { Handle, Position } from '@xyflow/react'
import { memo } from 'react'
import { resolveKind } from '../../shared/graph/kinds'
import { formatShape } from '../../shared/tensor/shape'
import { useAnalysis } from '../store/analysis'

/** A layer inside an expanded block: derived from the block's parameters, so read-only. */
export const InnerNode = memo(function InnerNode({ id, data }: NodeProps) {
  const a = useAnalysis().inner[id]
  const kind = (data as { kind: string }).kind
  const spec = resolveKind(kind)?.spec
  return (
    <div
      className={`inner-node category-${spec?.palette.category ?? 'unknown'}${a?.warning ? ' has-warning' : ''}`}
      data-testid={`inner-${id}`}
      title={a?.warning?.message}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="layer-node-head">
        <span className="layer-node-kind">{spec?.palette.label ?? kind}</span>
        <span className="layer-node-name">{id.slice(id.lastIndexOf('/') + 1)}</span>
      </div>
      <div className="layer-node-foot">
        <span className="layer-node-shape">{a?.outputShape ? formatShape(a.outputShape) : '?'}</span>
        <span className="layer-node-params">{a?.summary ?? ''}</span>
      </div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  )
})
