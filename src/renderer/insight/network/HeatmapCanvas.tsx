import { useEffect, useRef, type PointerEvent } from 'react'
import { colorize } from './colormap'

/**
 * A row-major grid of values drawn one canvas pixel per value, scaled up by CSS (pixelated), on
 * the view's one colour scale [min, max]. Reports the (y, x) under the pointer.
 */
export function HeatmapCanvas({
  values,
  rows,
  cols,
  min,
  max,
  width,
  label,
  alpha,
  onHover,
  onPick,
  testId,
  className,
}: {
  values: ArrayLike<number>
  rows: number
  cols: number
  min: number
  max: number
  /** CSS width in pixels; the height keeps the aspect. */
  width: number
  label: string
  alpha?: number | ((t: number) => number)
  onHover?(at: { y: number; x: number } | null): void
  onPick?(at: { y: number; x: number }): void
  testId?: string
  className?: string
}) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const ctx = ref.current?.getContext('2d')
    if (!ctx) return
    const image = ctx.createImageData(cols, rows)
    image.data.set(colorize(values, min, max, alpha))
    ctx.putImageData(image, 0, 0)
  }, [values, rows, cols, min, max, alpha])
  const cell = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect()
    const x = Math.floor(((e.clientX - r.left) / (r.width || 1)) * cols)
    const y = Math.floor(((e.clientY - r.top) / (r.height || 1)) * rows)
    return { y: Math.min(rows - 1, Math.max(0, y)), x: Math.min(cols - 1, Math.max(0, x)) }
  }
  return (
    <canvas
      ref={ref}
      width={cols}
      height={rows}
      className={`heatmap${className ? ` ${className}` : ''}`}
      style={{ width, height: (width * rows) / cols }}
      role="img"
      aria-label={label}
      data-testid={testId}
      onPointerMove={onHover && ((e) => onHover(cell(e)))}
      onPointerLeave={onHover && (() => onHover(null))}
      onClick={onPick && ((e) => onPick(cell(e as unknown as PointerEvent<HTMLCanvasElement>)))}
    />
  )
}
