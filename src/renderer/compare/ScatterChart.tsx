import { formatCount } from '../format'
import { ticks } from '../training/LineChart'

export interface ScatterPoint {
  x: number
  y: number
  /** Drawn beside the point (a run's tag). */
  label: string
  /** The point's tooltip. */
  title: string
  color: string
}

const W = 340
const H = 170
const PAD = { left: 42, right: 18, top: 10, bottom: 34 }

/**
 * Round ticks of a log axis over [lo, hi]: powers of 10, or 1-2-5 steps where fewer than two fit,
 * else whole multiples of a power of 10 (even one); the ends when not one fits.
 */
export function logTicks(lo: number, hi: number): number[] {
  const inside = (steps: number[]) => {
    const out: number[] = []
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
      for (const m of steps) {
        const v = Number((m * 10 ** e).toPrecision(12))
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v)
      }
    return out
  }
  for (const steps of [[1], [1, 2, 5]]) {
    const t = inside(steps)
    if (t.length >= 2) return t
  }
  const t = inside([1, 2, 3, 4, 5, 6, 7, 8, 9])
  return t.length ? t : lo === hi ? [lo] : [lo, hi]
}

const finite = (p: ScatterPoint) => Number.isFinite(p.y) && Number.isFinite(p.x) && p.x > 0

/**
 * A scatter with a logarithmic x axis (parameters, MACs span orders of magnitude) and each point
 * labelled; points at the same place share one label. Plain SVG, as the line charts.
 */
export function ScatterChart({
  title,
  xLabel,
  points,
  testId,
  yFormat,
}: {
  title: string
  xLabel: string
  points: ScatterPoint[]
  testId?: string
  yFormat: (v: number) => string
}) {
  const shown = points.filter(finite)
  if (shown.length === 0)
    return (
      <figure className="chart" data-testid={testId}>
        <figcaption>{title}</figcaption>
        <p className="muted">No run has both a score and a graph to count.</p>
      </figure>
    )
  const xs = shown.map((p) => Math.log10(p.x))
  let [lx0, lx1] = [Math.min(...xs), Math.max(...xs)]
  const xPad = lx1 > lx0 ? (lx1 - lx0) * 0.12 : 0.5
  ;[lx0, lx1] = [lx0 - xPad, lx1 + xPad]
  let [y0, y1] = [Math.min(...shown.map((p) => p.y)), Math.max(...shown.map((p) => p.y))]
  const yPad = y1 > y0 ? (y1 - y0) * 0.15 : 0.05
  ;[y0, y1] = [y0 - yPad, y1 + yPad]
  const sx = (x: number) => PAD.left + ((Math.log10(x) - lx0) / (lx1 - lx0)) * (W - PAD.left - PAD.right)
  const sy = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom)
  const bottom = H - PAD.bottom

  // Runs of one graph and score land on one spot: one label for all of them.
  const spots = new Map<string, { cx: number; cy: number; points: ScatterPoint[] }>()
  for (const p of shown) {
    const cx = sx(p.x)
    const cy = sy(p.y)
    const key = `${Math.round(cx)},${Math.round(cy)}`
    const spot = spots.get(key)
    if (spot) spot.points.push(p)
    else spots.set(key, { cx, cy, points: [p] })
  }
  return (
    <figure className="chart scatter" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}, ${xLabel} on a log scale`}>
        {ticks(y0, y1).map((t) => (
          <g key={`y${t}`} className="tick">
            <line x1={PAD.left} x2={W - PAD.right} y1={sy(t)} y2={sy(t)} className="grid" />
            <text x={PAD.left - 4} y={sy(t) + 3} textAnchor="end">
              {yFormat(t)}
            </text>
          </g>
        ))}
        {logTicks(10 ** lx0, 10 ** lx1).map((t) => (
          <g key={`x${t}`} className="tick">
            <line x1={sx(t)} x2={sx(t)} y1={PAD.top} y2={bottom} className="grid" />
            <text x={sx(t)} y={bottom + 12} textAnchor="middle">
              {formatCount(t)}
            </text>
          </g>
        ))}
        <line x1={PAD.left} x2={W - PAD.right} y1={bottom} y2={bottom} className="axis" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={bottom} className="axis" />
        <text x={W - PAD.right} y={H - 3} textAnchor="end" className="axis-label">
          {xLabel}
        </text>
        {[...spots.values()].map(({ cx, cy, points: at }) => (
          <g key={`${cx},${cy}`} data-testid="scatter-point" data-label={at.map((p) => p.label).join(' ')}>
            <title>{at.map((p) => p.title).join('\n')}</title>
            {at.map((p, i) => (
              <circle key={p.label} cx={cx + i * 3} cy={cy} r={4} fill={p.color} />
            ))}
            <text x={cx + 7 + (at.length - 1) * 3} y={cy + 3} className="point-label">
              {at.map((p) => p.label).join(' ')}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  )
}
