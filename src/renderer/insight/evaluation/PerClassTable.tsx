import { useState } from 'react'
import type { ClassMetrics } from '../../../shared/api/insight'
import { nextSort, sortClasses, type ClassColumn, type ClassSort } from './class-sort'

const COLUMNS: { column: ClassColumn; label: string; numeric: boolean }[] = [
  { column: 'class', label: 'Class', numeric: false },
  { column: 'precision', label: 'Precision', numeric: true },
  { column: 'recall', label: 'Recall', numeric: true },
  { column: 'f1', label: 'F1', numeric: true },
  { column: 'support', label: 'Support', numeric: true },
]

/** Precision, recall, F1 and support for each class; a column's header sorts by it. */
export function PerClassTable({ rows }: { rows: ClassMetrics[] }) {
  const [sort, setSort] = useState<ClassSort>({ column: 'index', descending: false })
  return (
    <section aria-labelledby="eval-classes-title">
      <h3 id="eval-classes-title">Per class</h3>
      <table className="eval-classes" data-testid="eval-classes">
        <thead>
          <tr>
            {COLUMNS.map(({ column, label, numeric }) => (
              <th
                key={column}
                scope="col"
                className={numeric ? 'num' : undefined}
                aria-sort={
                  sort.column === column ? (sort.descending ? 'descending' : 'ascending') : undefined
                }
              >
                <button
                  type="button"
                  data-testid={`eval-sort-${column}`}
                  onClick={() => setSort((s) => nextSort(s, column))}
                >
                  {label}
                  <span aria-hidden="true" className="sort-mark">
                    {sort.column === column ? (sort.descending ? '▼' : '▲') : ''}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sortClasses(rows, sort).map(({ index, metrics: m }) => (
            <tr key={index} data-testid="eval-class-row">
              <th scope="row">{m.class}</th>
              <td className="num">{m.precision.toFixed(3)}</td>
              <td className="num">{m.recall.toFixed(3)}</td>
              <td className="num">{m.f1.toFixed(3)}</td>
              <td className="num">{m.support.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
