import { useMemo, useState } from 'react'
import { ColorLegend } from './ColorLegend'
import { formatValue } from './format-value'
import { HeatmapCanvas } from './HeatmapCanvas'
import { at, channel, type Tensor3 } from './tensor3'

/** Channels per page: 512 channels of 8×8 would be 512 canvases at once. */
export const CHANNELS_PER_PAGE = 64

/**
 * Every channel of a node's output as a heatmap on one colour scale [min, max], paged, with the
 * value and its (y, x, c) under the pointer. A 1-D output is one strip of its units.
 */
export function FeatureMapGrid({ map, min, max }: { map: Tensor3; min: number; max: number }) {
  const [page, setPage] = useState(0)
  const [hover, setHover] = useState<{ y: number; x: number; c: number } | null>(null)
  const flat = map.h === 1 && map.w === 1
  const pages = flat ? 1 : Math.ceil(map.c / CHANNELS_PER_PAGE)
  const first = page * CHANNELS_PER_PAGE
  const shown = flat
    ? []
    : Array.from({ length: Math.min(CHANNELS_PER_PAGE, map.c - first) }, (_, i) => first + i)
  const count = shown.length
  const planes = useMemo(
    () => Array.from({ length: count }, (_, i) => channel(map, first + i)),
    [map, first, count],
  )
  const tile = Math.max(
    48,
    Math.min(120, Math.round(720 / Math.sqrt(Math.min(map.c, CHANNELS_PER_PAGE)) / 1.4)),
  )
  return (
    <div className="feature-maps">
      <div className="view-bar">
        <ColorLegend min={min} max={max} testId="fm-legend" />
        <span className="hover-readout" data-testid="fm-hover">
          {hover
            ? `${formatValue(at(map, hover.y, hover.x, hover.c))} at ${flat ? `unit ${hover.c}` : `(y ${hover.y}, x ${hover.x}, c ${hover.c})`}`
            : 'Point at a map to read its value'}
        </span>
        {pages > 1 && (
          <span className="pager">
            <button
              type="button"
              disabled={page === 0}
              onClick={() => setPage(page - 1)}
              aria-label="Previous channels"
            >
              ◀
            </button>
            <span data-testid="fm-page">
              channels {first}–{first + shown.length - 1} of {map.c}
            </span>
            <button
              type="button"
              disabled={page >= pages - 1}
              onClick={() => setPage(page + 1)}
              aria-label="Next channels"
            >
              ▶
            </button>
          </span>
        )}
      </div>
      {flat ? (
        <HeatmapCanvas
          values={map.values}
          rows={1}
          cols={map.c}
          min={min}
          max={max}
          width={Math.min(900, Math.max(200, map.c * 8))}
          className="strip"
          label={`${map.c} units`}
          testId="fm-strip"
          onHover={(p) => setHover(p && { y: 0, x: 0, c: p.x })}
        />
      ) : (
        <div className="channel-grid" data-testid="fm-grid">
          {shown.map((c, i) => (
            <figure key={c} className="channel">
              <HeatmapCanvas
                values={planes[i]!}
                rows={map.h}
                cols={map.w}
                min={min}
                max={max}
                width={tile}
                label={`channel ${c}`}
                testId={`fm-channel-${c}`}
                onHover={(p) => setHover(p && { ...p, c })}
              />
              <figcaption>{c}</figcaption>
            </figure>
          ))}
        </div>
      )}
    </div>
  )
}
