import { useMemo, useState, type CSSProperties } from 'react'
import type { GalleryFilter } from './gallery'
import { formatShare, formatSharePrecise, intensity, matrixMax, rowNormalise, STRONG } from './matrix'

/** Column headers turn vertical past this many classes, when their names are longer than a digit or two. */
const ROTATE_FROM = 5

/**
 * The confusion matrix (rows = true class, columns = predicted) as an HTML table, not a chart (no
 * chart library is installed, and a table gives each cell a real button: clickable, focusable and
 * named for screen readers, with the class names as headers). Every cell is coloured on one scale
 * (matrix.ts); the diagonal, the correct predictions, is outlined. Counts or row-normalised shares.
 * Clicking a cell off the diagonal shows its samples in the gallery.
 */
export function ConfusionMatrix({
  classes,
  confusion,
  selected,
  onSelect,
}: {
  classes: string[]
  confusion: number[][]
  /** The gallery's filter: its cell is marked when both classes are set. */
  selected: GalleryFilter
  onSelect(label: number, predicted: number): void
}) {
  const [normalised, setNormalised] = useState(false)
  const shares = useMemo(() => rowNormalise(confusion), [confusion])
  const max = useMemo(() => matrixMax(confusion), [confusion])
  const rotate = classes.length >= ROTATE_FROM && classes.some((c) => c.length > 2)
  return (
    <section className="eval-matrix" aria-labelledby="eval-matrix-title">
      <div className="eval-section-head">
        <h3 id="eval-matrix-title">Confusion matrix</h3>
        <label className="eval-toggle">
          <input
            type="checkbox"
            data-testid="eval-normalise"
            checked={normalised}
            onChange={(e) => setNormalised(e.target.checked)}
          />
          Row-normalised
        </label>
      </div>
      <div className="eval-matrix-scroll">
        <table className={rotate ? 'cm rotated' : 'cm'} data-testid="eval-matrix">
          <caption className="sr-only">
            Rows are the true classes, columns the predicted classes
            {normalised ? '; each row as shares of its class' : ''}.
          </caption>
          <thead>
            <tr>
              <th scope="col" className="cm-corner">
                <span>
                  predicted →<br />
                  true ↓
                </span>
              </th>
              {classes.map((c, j) => (
                <th key={j} scope="col" title={c}>
                  <span>{c}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {confusion.map((row, i) => (
              <tr key={i}>
                <th scope="row" title={classes[i]}>
                  {classes[i]}
                </th>
                {row.map((count, j) => {
                  const share = shares[i][j]
                  const t = normalised ? intensity(share, 1) : intensity(count, max)
                  const n = count.toLocaleString('en-US')
                  const label = normalised
                    ? `True ${classes[i]}, predicted ${classes[j]}: ${formatSharePrecise(share)} (${n})`
                    : `True ${classes[i]}, predicted ${classes[j]}: ${n}`
                  const text = normalised ? formatShare(share) : n
                  const className = ['cm-cell', i === j ? 'diagonal' : '', t > STRONG ? 'strong' : '']
                    .filter(Boolean)
                    .join(' ')
                  const style = { '--t': t.toFixed(3) } as CSSProperties
                  // Only mistakes are listed: a cell with samples off the diagonal opens them.
                  const clickable = i !== j && count > 0
                  return (
                    <td
                      key={j}
                      className={className}
                      style={style}
                      data-testid="eval-cell"
                      // A button names itself; a plain cell carries the name.
                      aria-label={clickable ? undefined : label}
                    >
                      {clickable ? (
                        <button
                          type="button"
                          aria-label={label}
                          title={label}
                          aria-pressed={selected.label === i && selected.predicted === j}
                          onClick={() => onSelect(i, j)}
                        >
                          {text}
                        </button>
                      ) : (
                        <span title={label}>{text}</span>
                      )}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted hint">
        Rows are true classes, columns predicted ones; the diagonal (outlined) is correct. Click a cell to see
        its samples.
      </p>
    </section>
  )
}
