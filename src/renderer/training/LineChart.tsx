export interface Series {
  name: string
  color: string
  points: { x: number; y: number }[]
  /** Thin and unmarked (per-batch loss), or with a dot on each point (per-epoch values). */
  thin?: boolean
}

const W = 340
const H = 150
const PAD = { left: 42, right: 8, top: 8, bottom: 22 }

/** Round ticks covering [lo, hi]: steps of 1, 2 or 5 × 10^k, at least `minStep` apart. */
export function ticks(lo: number, hi: number, count = 4, minStep = 0): number[] {
  if (!(hi > lo)) return [lo]
  const raw = Math.max((hi - lo) / count, minStep)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9))!
  const out: number[] = []
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)))
  return out
}

const finite = (p: { x: number; y: number }) => Number.isFinite(p.x) && Number.isFinite(p.y)

/** The SVG path of a series in chart coordinates; non-finite values break the line. */
export function pathOf(
  points: { x: number; y: number }[],
  sx: (x: number) => number,
  sy: (y: number) => number,
) {
  let d = ''
  let pen = false
  for (const p of points) {
    if (!finite(p)) {
      pen = false
      continue
    }
    d += `${pen ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`
    pen = true
  }
  return d
}

const defaultFormat = (t: number) => (Math.abs(t) >= 1000 ? t.toExponential(0) : String(t))

/**
 * A small line chart with axes, ticks and a legend: training curves, drawn as plain SVG (no chart
 * library). Non-finite values are skipped; one point or a flat line still draws.
 */
export function LineChart({
  title,
  series,
  xLabel,
  testId,
  yFormat = defaultFormat,
  integerX = false,
  legend = true,
}: {
  title: string
  series: Series[]
  xLabel: string
  testId?: string
  /** Tick labels of the y axis, e.g. percentages. */
  yFormat?: (v: number) => string
  /** Ticks on the x axis at whole numbers only (epochs). */
  integerX?: boolean
  /** Off where one legend serves several charts (the comparison of runs). */
  legend?: boolean
}) {
  const all = series.flatMap((s) => s.points).filter(finite)
  if (all.length === 0)
    return (
      <figure className="chart" data-testid={testId}>
        <figcaption>{title}</figcaption>
        <p className="muted">No data yet.</p>
      </figure>
    )
  let [x0, x1] = [Infinity, -Infinity]
  let [y0, y1] = [Infinity, -Infinity]
  for (const p of all) {
    x0 = Math.min(x0, p.x)
    x1 = Math.max(x1, p.x)
    y0 = Math.min(y0, p.y)
    y1 = Math.max(y1, p.y)
  }
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1]
  if (y1 === y0) [y0, y1] = [y0 - Math.abs(y0 || 1) * 0.1, y1 + Math.abs(y1 || 1) * 0.1]
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right)
  const sy = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom)
  const bottom = H - PAD.bottom
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        {title}
        {legend && (
          <span className="legend">
            {series.map((s) => (
              <span key={s.name} style={{ color: s.color }} data-legend={s.name}>
                {s.thin ? '—' : '●'} {s.name}
              </span>
            ))}
          </span>
        )}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title} by ${xLabel}`}>
        {ticks(y0, y1).map((t) => (
          <g key={`y${t}`} className="tick">
            <line x1={PAD.left} x2={W - PAD.right} y1={sy(t)} y2={sy(t)} className="grid" />
            <text x={PAD.left - 4} y={sy(t) + 3} textAnchor="end">
              {yFormat(t)}
            </text>
          </g>
        ))}
        {ticks(x0, x1, 5, integerX ? 1 : 0).map((t) => (
          <g key={`x${t}`} className="tick">
            <line x1={sx(t)} x2={sx(t)} y1={bottom} y2={bottom + 3} className="axis" />
            <text x={sx(t)} y={H - 6} textAnchor="middle">
              {t}
            </text>
          </g>
        ))}
        <line x1={PAD.left} x2={W - PAD.right} y1={bottom} y2={bottom} className="axis" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={bottom} className="axis" />
        <text x={PAD.left - 4} y={H - 6} textAnchor="end" className="axis-label">
          {xLabel}
        </text>
        {series.map((s) => (
          <g key={s.name} data-series={s.name}>
            <path
              d={pathOf(s.points, sx, sy)}
              fill="none"
              stroke={s.color}
              strokeWidth={s.thin ? 1 : 2}
              opacity={s.thin ? 0.6 : 1}
            />
            {!s.thin &&
              s.points
                .filter(finite)
                .map((p, i) => <circle key={i} cx={sx(p.x)} cy={sy(p.y)} r={2.5} fill={s.color} />)}
          </g>
        ))}
      </svg>
    </figure>
  )
}
