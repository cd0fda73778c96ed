/** `97.35%`, or `–` when there is no value. */
export const formatPercent = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(2)}%`

/** A duration in seconds as `42 s`, `3 min 05 s`, `2 h 07 min`; `–` when unknown or infinite. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '–'
  const t = Math.round(s)
  if (t < 60) return `${t} s`
  if (t < 3600) return `${Math.floor(t / 60)} min ${String(t % 60).padStart(2, '0')} s`
  const m = Math.round(t / 60)
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}

/** A learning rate as typed: `0.001`, `3e-4` stays short. */
export const formatRate = (lr: number): string => String(Number(lr.toPrecision(3)))

/** A loss to four decimals (the e2e test and the CLI print the same). */
export const formatLoss = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(4)

/** Samples per second, rounded: `1,234 samples/s`. */
export const formatSpeed = (v: number): string =>
  Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')} samples/s` : '–'
