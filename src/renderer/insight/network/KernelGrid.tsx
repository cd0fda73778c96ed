import { useMemo, useState } from 'react'
import { ColorLegend } from './ColorLegend'
import type { KernelHWIO } from './conv-window'
import { formatValue } from './format-value'
import { HeatmapCanvas } from './HeatmapCanvas'

const PER_PAGE = 16

/** One out × in slice of an HWIO kernel: kh × kw, row-major. */
export function kernelSlice(k: KernelHWIO, co: number, ci: number): Float32Array {
  const out = new Float32Array(k.kh * k.kw)
  for (let i = 0; i < k.kh * k.kw; i++) out[i] = k.values[(i * k.cin + ci) * k.cout + co]!
  return out
}

/**
 * A Conv2D's kernels: a row per output channel, a column per input channel, each kh × kw, on one
 * colour scale symmetric around 0 (paged: 16 × 16 at a time).
 */
export function KernelGrid({ kernel, bias }: { kernel: KernelHWIO; bias: Float32Array | null }) {
  const [outPage, setOutPage] = useState(0)
  const [inPage, setInPage] = useState(0)
  const [hover, setHover] = useState<string | null>(null)
  const range = useMemo(() => kernel.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1, [kernel])
  const outs = Array.from(
    { length: Math.min(PER_PAGE, kernel.cout - outPage * PER_PAGE) },
    (_, i) => outPage * PER_PAGE + i,
  )
  const ins = Array.from(
    { length: Math.min(PER_PAGE, kernel.cin - inPage * PER_PAGE) },
    (_, i) => inPage * PER_PAGE + i,
  )
  const tile = Math.max(28, Math.min(56, 8 * Math.max(kernel.kh, kernel.kw)))
  const pager = (label: string, page: number, n: number, set: (p: number) => void) =>
    n > PER_PAGE && (
      <span className="pager">
        <button
          type="button"
          disabled={page === 0}
          onClick={() => set(page - 1)}
          aria-label={`Previous ${label}`}
        >
          ◀
        </button>
        {label} {page * PER_PAGE}–{Math.min(n, (page + 1) * PER_PAGE) - 1} of {n}
        <button
          type="button"
          disabled={(page + 1) * PER_PAGE >= n}
          onClick={() => set(page + 1)}
          aria-label={`Next ${label}`}
        >
          ▶
        </button>
      </span>
    )
  return (
    <div className="kernels">
      <div className="view-bar">
        <ColorLegend min={-range} max={range} />
        <span className="hover-readout" data-testid="kernel-hover">
          {hover ?? `${kernel.kh}×${kernel.kw} kernels: rows are output channels, columns input channels`}
        </span>
        {pager('out', outPage, kernel.cout, setOutPage)}
        {pager('in', inPage, kernel.cin, setInPage)}
      </div>
      <table className="kernel-grid" data-testid="kernel-grid">
        <thead>
          <tr>
            <th>out \ in</th>
            {ins.map((ci) => (
              <th key={ci}>{ci}</th>
            ))}
            {bias && <th>bias</th>}
          </tr>
        </thead>
        <tbody>
          {outs.map((co) => (
            <tr key={co}>
              <th>{co}</th>
              {ins.map((ci) => {
                const slice = kernelSlice(kernel, co, ci)
                return (
                  <td key={ci}>
                    <HeatmapCanvas
                      values={slice}
                      rows={kernel.kh}
                      cols={kernel.kw}
                      min={-range}
                      max={range}
                      width={tile}
                      label={`kernel out ${co} in ${ci}`}
                      onHover={(p) =>
                        setHover(
                          p &&
                            `${formatValue(slice[p.y * kernel.kw + p.x]!)} at out ${co}, in ${ci}, (ky ${p.y}, kx ${p.x})`,
                        )
                      }
                    />
                  </td>
                )
              })}
              {bias && <td className="num">{formatValue(bias[co]!)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
