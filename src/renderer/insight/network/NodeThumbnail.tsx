import { memo, useMemo } from 'react'
import { base64ToFloat32 } from '../../../shared/tensor/base64'
import { useInsight } from '../insight-store'
import { HeatmapCanvas } from './HeatmapCanvas'
import { useShownActivations } from './use-insight-data'

const MAX_W = 64
const MAX_H = 48

/**
 * A node card's picture of its output for the shown sample (the mean map of a 3-D output, the
 * units of a 1-D one), beside the card so the card keeps its size. Nothing without a run shown.
 */
export const NodeThumbnail = memo(function NodeThumbnail({ id }: { id: string }) {
  const runId = useInsight((s) => s.runId)
  const sample = useInsight((s) => s.sample)
  const node = useShownActivations(runId, sample)?.nodes[id]
  const values = useMemo(() => {
    if (!node) return null
    try {
      const v = base64ToFloat32(node.thumbnail)
      return v.length === node.thumbnailShape[0] * node.thumbnailShape[1] ? v : null
    } catch {
      return null
    }
  }, [node])
  if (!node || !values) return null
  const [rows, cols] = node.thumbnailShape
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  // A 1-D output is a strip: give it some height to be seen.
  const width = Math.min(MAX_W, Math.max(24, (MAX_H * cols) / rows))
  return (
    <div
      className="node-thumbnail"
      data-testid={`thumbnail-${id}`}
      title={`Output of this node for the sample (${rows}×${cols})`}
    >
      <HeatmapCanvas
        values={values}
        rows={rows}
        cols={cols}
        min={lo}
        max={hi}
        width={width}
        className={rows === 1 ? 'strip' : undefined}
        label={`output of ${id}`}
      />
    </div>
  )
})
