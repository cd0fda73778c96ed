import { useMemo } from 'react'
import type { GraphDocument } from '../shared/graph/document'
import { inferGraph } from '../shared/graph/infer'

/**
 * A small picture of a network's shape: one bar per feature map along the main path, as tall as
 * its height and as dark as its channels are many (log scales), so the funnel of a CNN shows.
 */
export function ShapeSketch({
  document,
  width = 220,
  height = 40,
}: {
  document: GraphDocument
  width?: number
  height?: number
}) {
  const bars = useMemo(() => {
    const a = inferGraph(document)
    const maps = a.order
      .map((id) => a.nodes[id].outputShape)
      .filter((s): s is number[] => s?.length === 4) as number[][]
    return maps.map((s) => ({ h: s[1], c: s[3] }))
  }, [document])
  if (bars.length === 0) return null
  const maxH = Math.log2(Math.max(...bars.map((b) => b.h)) + 1)
  const maxC = Math.log2(Math.max(...bars.map((b) => b.c)) + 1)
  const w = width / bars.length
  return (
    <svg
      className="shape-sketch"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      aria-hidden="true"
    >
      {bars.map((b, i) => {
        const bh = Math.max(2, (Math.log2(b.h + 1) / maxH) * height)
        const shade = 0.25 + 0.75 * (Math.log2(b.c + 1) / maxC)
        return (
          <rect
            key={i}
            x={i * w}
            y={(height - bh) / 2}
            width={Math.max(1, w - 1)}
            height={bh}
            rx={1}
            fill="var(--accent)"
            fillOpacity={shade}
          />
        )
      })}
    </svg>
  )
}
