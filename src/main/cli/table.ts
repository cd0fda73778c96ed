/**
 * A row of a table: one cell per column, or fewer, in which case the last cell is free text that
 * runs on past the remaining columns without widening them (an error message on a layer's row).
 */
export type Row = string[]

/** Formats rows as fixed-width columns, numbers right-aligned, with rules under the header and at the end. */
export function table(header: string[], rows: Row[], rightAligned: boolean[]): string[] {
  const widths = header.map((h, i) =>
    Math.max(
      h.length,
      ...rows.map((r) => (r.length === header.length || i < r.length - 1 ? (r[i]?.length ?? 0) : 0)),
    ),
  )
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        cells.length < header.length && i === cells.length - 1
          ? c
          : rightAligned[i]
            ? c.padStart(widths[i])
            : c.padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd()
  const rule = '─'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1))
  return [line(header), rule, ...rows.map(line), rule]
}

/** 1,234,567 */
export const int = (n: number): string => n.toLocaleString('en-US')

/** 1.82 G, 300.8 M, 61.7 k. */
export function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`
  return String(n)
}

/** 36.1 KiB, 109.47 MiB. */
export function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`
}

/**
 * Wraps `text` at word boundaries to `width` columns, the first line after `first` and the others
 * after `indent` spaces (a hanging indent, so a long reason reads as one item).
 */
export function wrap(first: string, text: string, width: number, indent = first.length): string[] {
  const lines: string[] = []
  let line = first
  let empty = true
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line)
      line = ' '.repeat(indent)
      empty = true
    }
    line += (empty ? '' : ' ') + word
    empty = false
  }
  lines.push(line)
  return lines
}
