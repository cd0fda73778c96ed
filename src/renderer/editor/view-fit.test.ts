import { describe, expect, it } from 'vitest'
import { MINIMAP, READABLE_ZOOM, readableViewport, recentred } from './view-fit'

const canvas = { width: 940, height: 817 }
/** Screen x of a graph point under a viewport. */
const screen = (v: { x: number; y: number; zoom: number }, p: { x: number; y: number }) => ({
  x: v.x + p.x * v.zoom,
  y: v.y + p.y * v.zoom,
})

describe('readableViewport', () => {
  it('shows a small graph whole, at most at 100%, centred clear of the minimap', () => {
    const bounds = { x: 100, y: 50, width: 220, height: 300 }
    const v = readableViewport(bounds, 210, canvas)
    expect(v.zoom).toBe(1)
    const topLeft = screen(v, bounds)
    const bottomRight = screen(v, { x: bounds.x + bounds.width, y: bounds.y + bounds.height })
    expect(topLeft.y).toBeCloseTo(canvas.height - bottomRight.y)
    expect(bottomRight.x).toBeLessThanOrEqual(canvas.width - MINIMAP.width - 2 * MINIMAP.margin)
    expect(topLeft.x).toBeGreaterThan(0)
  })

  it('shrinks a graph to fit while its text stays readable', () => {
    const bounds = { x: 0, y: 0, width: 220, height: 800 }
    const v = readableViewport(bounds, 110, canvas)
    expect(v.zoom).toBeLessThan(1)
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM)
    expect(screen(v, { x: 0, y: 800 }).y).toBeLessThanOrEqual(canvas.height)
  })

  it('opens a tall graph at the readable zoom from its top, for the user to scroll', () => {
    const bounds = { x: 0, y: -40, width: 220, height: 5000 }
    const v = readableViewport(bounds, 110, canvas)
    expect(v.zoom).toBe(READABLE_ZOOM)
    expect(screen(v, { x: 0, y: -40 }).y).toBe(24)
    // Horizontally whole, clear of the minimap's band.
    expect(screen(v, { x: 220, y: 0 }).x).toBeLessThanOrEqual(
      canvas.width - MINIMAP.width - 2 * MINIMAP.margin,
    )
  })

  it('centres a graph too wide and too tall on its first layer', () => {
    const bounds = { x: -2000, y: 0, width: 4000, height: 5000 }
    const v = readableViewport(bounds, 300, canvas)
    expect(v.zoom).toBe(READABLE_ZOOM)
    const free = canvas.width - MINIMAP.width - 2 * MINIMAP.margin
    expect(screen(v, { x: 300, y: 0 }).x).toBeCloseTo(free / 2)
  })
})

describe('recentred', () => {
  it('keeps the graph point in the middle of the canvas when the canvas narrows', () => {
    const now = { x: -120, y: 40, zoom: 0.8 }
    const before = { width: 940, height: 800 }
    const after = { width: 480, height: 800 }
    const middle = (v: typeof now, s: typeof before) => ({
      x: (s.width / 2 - v.x) / v.zoom,
      y: (s.height / 2 - v.y) / v.zoom,
    })
    const v = recentred(now, before, after)
    expect(v.zoom).toBe(0.8)
    expect(middle(v, after)).toEqual(middle(now, before))
  })
})
