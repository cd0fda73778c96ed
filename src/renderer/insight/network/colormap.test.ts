import { describe, expect, it } from 'vitest'
import { colorAt, colorize, unit } from './colormap'

describe('the colour scale', () => {
  it('maps min to viridis purple and max to yellow, clamping beyond', () => {
    expect(colorAt(0)).toEqual([68, 1, 84])
    expect(colorAt(1)).toEqual([253, 231, 37])
    expect(colorAt(-3)).toEqual(colorAt(0))
    expect(colorAt(7)).toEqual(colorAt(1))
    expect(colorAt(0.5)).toEqual([33, 144, 141])
  })

  it('gets brighter (more green) from min to max', () => {
    const greens = Array.from({ length: 11 }, (_, i) => colorAt(i / 10)[1])
    expect(greens).toEqual([...greens].sort((a, b) => a - b))
  })

  it('places values on [min, max], a constant map in the middle, NaN at the bottom', () => {
    expect(unit(-1, -1, 3)).toBe(0)
    expect(unit(1, -1, 3)).toBe(0.5)
    expect(unit(9, -1, 3)).toBe(1)
    expect(unit(2, 2, 2)).toBe(0.5)
    expect(unit(Number.NaN, 0, 1)).toBe(0)
  })

  it('colours values into RGBA bytes with a fixed or computed alpha', () => {
    const rgba = colorize([0, 10], 0, 10)
    expect([...rgba]).toEqual([68, 1, 84, 255, 253, 231, 37, 255])
    const faded = colorize([0, 5, 10], 0, 10, (t) => Math.round(t * 200))
    expect([faded[3], faded[7], faded[11]]).toEqual([0, 100, 200])
  })
})
