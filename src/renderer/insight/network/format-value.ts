/** A tensor value as the views print it: 4 significant digits, exponent form when tiny or huge. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v)
  if (v === 0) return '0'
  const a = Math.abs(v)
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2)
  return String(Number(v.toPrecision(4)))
}

export const formatProbability = (p: number): string =>
  `${(p * 100).toFixed(p >= 0.9995 || p < 0.001 ? 2 : 1)} %`
