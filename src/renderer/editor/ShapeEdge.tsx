import { BaseEdge, getBezierPath, Position, type EdgeProps } from '@xyflow/react'
import { memo } from 'react'
import { formatShape } from '../../shared/tensor/shape'
import { analyse } from '../store/analysis'
import { useDocument } from '../store/document-store'

/**
 * An edge labelled with the shape its source puts out. The label is read here, by the source's id,
 * not carried on the edge object: an edit that changes shapes then re-renders only the edges whose
 * label changed, and React Flow's edge list (rebuilt in full whenever an edge object changes) stays.
 */
export const ShapeEdge = memo(function ShapeEdge({
  id,
  source,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition = Position.Bottom,
  targetPosition = Position.Top,
  style,
  markerEnd,
  interactionWidth,
}: EdgeProps) {
  const label = useDocument((s) => {
    const shape = analyse(s.doc).nodes[source]?.outputShape
    return shape ? formatShape(shape) : '?'
  })
  const [path, labelX, labelY] = getBezierPath({
    sourceX,
    sourceY,
    sourcePosition,
    targetX,
    targetY,
    targetPosition,
  })
  return (
    <BaseEdge
      id={id}
      path={path}
      labelX={labelX}
      labelY={labelY}
      label={label}
      style={style}
      markerEnd={markerEnd}
      interactionWidth={interactionWidth}
    />
  )
})
