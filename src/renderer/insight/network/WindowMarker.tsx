import { HeatmapCanvas } from './HeatmapCanvas'
import type { usePixel } from './use-pixel'

/**
 * A rectangle over a map drawn at `width` CSS pixels: rows y0…y1, columns x0…x1 (inclusive) of an
 * h × w map; a window reaching into padding runs past the map's edge.
 */
export function WindowMarker({
  h,
  w,
  width,
  y0,
  x0,
  y1,
  x1,
  className = 'window-marker',
}: {
  h: number
  w: number
  width: number
  y0: number
  x0: number
  y1: number
  x1: number
  className?: string
}) {
  const cell = width / w
  return (
    <span
      className={className}
      style={{ left: x0 * cell, top: y0 * cell, width: (x1 - x0 + 1) * cell, height: (y1 - y0 + 1) * cell }}
      data-rows={`${y0}-${y1}`}
      data-cols={`${x0}-${x1}`}
      aria-hidden
      data-h={h}
    />
  )
}

/** An input channel's map with the window of the output pixel under the pointer marked on it. */
export function MapWithWindow({
  values,
  h,
  w,
  width,
  range,
  label,
  rows,
  cols,
}: {
  values: Float32Array
  h: number
  w: number
  width: number
  range: { min: number; max: number }
  label: string
  /** The window's input rows and columns (cells in the padding included). */
  rows: number[]
  cols: number[]
}) {
  return (
    <div className="map-with-marker">
      <HeatmapCanvas
        values={values}
        rows={h}
        cols={w}
        min={range.min}
        max={range.max}
        width={width}
        label={label}
      />
      <WindowMarker
        h={h}
        w={w}
        width={width}
        y0={Math.min(...rows)}
        y1={Math.max(...rows)}
        x0={Math.min(...cols)}
        x1={Math.max(...cols)}
      />
    </div>
  )
}

/** An output channel's map: pointing at a pixel explains it, clicking pins it; the pixel is marked. */
export function MapWithPixel({
  values,
  h,
  w,
  width,
  range,
  label,
  testId,
  pixel,
}: {
  values: Float32Array
  h: number
  w: number
  width: number
  range: { min: number; max: number }
  label: string
  testId: string
  pixel: ReturnType<typeof usePixel>
}) {
  const cell = width / w
  return (
    <div className="map-with-marker">
      <HeatmapCanvas
        values={values}
        rows={h}
        cols={w}
        min={range.min}
        max={range.max}
        width={width}
        label={label}
        testId={testId}
        onHover={pixel.onHover}
        onPick={pixel.onPick}
      />
      <span
        className="pixel-marker"
        style={{ left: pixel.at.x * cell, top: pixel.at.y * cell, width: cell, height: cell }}
      />
    </div>
  )
}
