import type { PyValue, TorchArg, TorchModule } from './types'

/**
 * A number as Python reads it: integers as they are, floats in their shortest form rounded to 12
 * digits (1 − 0.99 is written 0.01, not 0.010000000000000009).
 */
export function pyNumber(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? 'float("inf")' : n < 0 ? 'float("-inf")' : 'float("nan")'
  if (Number.isInteger(n)) return String(n)
  return String(Number(n.toPrecision(12)))
}

/** A Python value: `True`, `3`, `(3, 2)` (a pair of equal numbers is one number), or code as is. */
export function pyValue(v: PyValue): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  if (typeof v === 'number') return pyNumber(v)
  if (Array.isArray(v)) {
    const items = v as readonly number[]
    if (items.length === 2 && items[0] === items[1]) return pyNumber(items[0])
    return `(${items.map(pyNumber).join(', ')}${items.length === 1 ? ',' : ''})`
  }
  return (v as { code: string }).code
}

/** Whether two values are written alike (a pair [1, 1] is the default 1). */
export const sameValue = (a: PyValue, b: PyValue): boolean => pyValue(a) === pyValue(b)

/**
 * A constructor's arguments, leaving out those at PyTorch's default; `value` writes each (a block
 * class replaces some by its own parameters).
 */
export function pyArgs(args: readonly TorchArg[], value: (arg: TorchArg) => string | null = () => null) {
  return args
    .flatMap((a) => {
      const written = value(a)
      if (written === null && a.default !== undefined && sameValue(a.value, a.default)) return []
      const v = written ?? pyValue(a.value)
      return [a.keyword ? `${a.keyword}=${v}` : v]
    })
    .join(', ')
}

/** `nn.Conv2d(1, 6, kernel_size=5, padding=2)`. */
export const pyModule = (m: TorchModule, value?: (arg: TorchArg) => string | null): string =>
  `${m.type}(${pyArgs(m.args, value)})`

/** F.pad's tuple for NCHW: (left, right, top, bottom). */
export const padTuple = (p: { top: number; bottom: number; left: number; right: number }): string =>
  `(${p.left}, ${p.right}, ${p.top}, ${p.bottom})`
