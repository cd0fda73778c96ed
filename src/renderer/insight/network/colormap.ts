/**
 * One colour scale for every heatmap of a view (feature maps, kernels, attributions): viridis,
 * readable on light and dark backgrounds and in greyscale, from dark purple (min) to yellow (max).
 */

// Viridis at 0, 1/8, …, 1 (matplotlib's table), linearly interpolated between.
const STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
]

/** Where v lies between min and max, clamped to 0…1; 0.5 when the range is empty (a constant map). */
export function unit(v: number, min: number, max: number): number {
  if (!(max > min)) return 0.5
  const t = (v - min) / (max - min)
  return t <= 0 ? 0 : t >= 1 ? 1 : Number.isNaN(t) ? 0 : t
}

/** The scale's colour at t in 0…1 (clamped). */
export function colorAt(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t)) * (STOPS.length - 1)
  const i = Math.min(STOPS.length - 2, Math.floor(x))
  const f = x - i
  const a = STOPS[i]!
  const b = STOPS[i + 1]!
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number]
}

export const cssColorAt = (t: number): string => `rgb(${colorAt(t).join(' ')})`

/** A CSS gradient of the scale, min on the left, for legends. */
export const scaleGradient = (): string =>
  `linear-gradient(to right, ${STOPS.map((s, i) => `rgb(${s.join(' ')}) ${(i / (STOPS.length - 1)) * 100}%`).join(', ')})`

/**
 * Values (row-major) as the RGBA bytes of an ImageData, coloured on [min, max]; `alpha` (0…255) is
 * every pixel's opacity, or a function of t for overlays that fade where the map is low.
 */
export function colorize(
  values: ArrayLike<number>,
  min: number,
  max: number,
  alpha: number | ((t: number) => number) = 255,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length * 4)
  for (let i = 0; i < values.length; i++) {
    const t = unit(values[i]!, min, max)
    const [r, g, b] = colorAt(t)
    out[i * 4] = r
    out[i * 4 + 1] = g
    out[i * 4 + 2] = b
    out[i * 4 + 3] = typeof alpha === 'number' ? alpha : alpha(t)
  }
  return out
}
