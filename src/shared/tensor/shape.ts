/** A dimension: a non-negative integer, or null where it is unknown (the batch). */
export type Dim = number | null

/** A tensor shape, channels-last (NHWC), batch first: [null, H, W, C] or [null, features]. */
export type Shape = readonly Dim[]

/** Height, width and channels of a 4-D NHWC shape. */
export function hwc(s: Shape): { h: number; w: number; c: number } {
  return { h: s[1] as number, w: s[2] as number, c: s[3] as number }
}

/** Elements per sample: the product of every dimension but the batch. */
export function elementsPerSample(s: Shape): number {
  let n = 1
  for (let i = 1; i < s.length; i++) n *= s[i] ?? 0
  return n
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

/** `56×56×64` for a 4-D shape, `4096` for a 2-D one (the batch is left out). */
export function formatShape(s: Shape): string {
  return s
    .slice(1)
    .map((d) => (d === null ? '?' : String(d)))
    .join('×')
}

/** Row of a shape as printed in summaries: `(None, 56, 56, 64)`. */
export function formatShapeTuple(s: Shape): string {
  return `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`
}
