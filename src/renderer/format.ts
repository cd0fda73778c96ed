const UNITS = [
  { value: 1e12, suffix: 'T' },
  { value: 1e9, suffix: 'G' },
  { value: 1e6, suffix: 'M' },
  { value: 1e3, suffix: 'K' },
]

/** A count to three significant digits with an SI suffix: 11 689 512 → `11.7 M`, 431 → `431`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–'
  const abs = Math.abs(n)
  for (let i = 0; i < UNITS.length; i++) {
    const { value, suffix } = UNITS[i]
    if (abs < value) continue
    const scaled = n / value
    if (Math.abs(Number(scaled.toPrecision(3))) < 1000) return `${scaled.toPrecision(3)} ${suffix}`
    // 999 950 would round to `1000 K`: the next unit up reads `1.00 M`.
    return i === 0
      ? `${Math.round(scaled)} ${suffix}`
      : `${(n / UNITS[i - 1].value).toPrecision(3)} ${UNITS[i - 1].suffix}`
  }
  return String(Math.round(n))
}

/** `11.7 M params · 1.82 G MACs`. */
export function formatTotals(t: { trainable: number; macs: number }): string {
  return `${formatCount(t.trainable)} params · ${formatCount(t.macs)} MACs`
}

/** Bytes with the same rounding: `1.23 MB`, `512 B` (powers of 1000, as the counts). */
export function formatBytes(n: number): string {
  const c = formatCount(n)
  return /\d$/.test(c) ? `${c} B` : `${c}B`
}
