import { formatValue } from './format-value'

/** A small table of numbers laid out as the window (kh × kw); padding cells say so. */
export function ValueGrid({
  title,
  rows,
  cols,
  values,
  padded,
  highlight,
  testId,
}: {
  title: string
  rows: number
  cols: number
  values: (number | null)[]
  padded?: boolean[]
  highlight?: number
  testId?: string
}) {
  return (
    <figure className="value-grid" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <table>
        <tbody>
          {Array.from({ length: rows }, (_, r) => (
            <tr key={r}>
              {Array.from({ length: cols }, (_, c) => {
                const i = r * cols + c
                const pad = padded?.[i] || values[i] === null
                return (
                  <td
                    key={c}
                    className={`${pad ? 'pad' : ''}${i === highlight ? ' chosen' : ''}`}
                    title={pad ? 'padding' : undefined}
                  >
                    {pad
                      ? values[i] === null
                        ? 'pad'
                        : `${formatValue(values[i]!)}`
                      : formatValue(values[i]!)}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
