import { formatProbability, formatValue } from './format-value'
import { softmaxSteps } from './softmax-steps'

const MAX_ROWS = 100

/** Logits as bars, and softmax with each step's numbers: z − max, exp, the sum, each probability. */
export function SoftmaxTable({
  logits,
  labels,
  predicted,
}: {
  logits: ArrayLike<number>
  labels: string[] | null
  predicted?: number
}) {
  const s = softmaxSteps(logits)
  const span = Math.max(...s.logits.map(Math.abs), 1e-9)
  const rows = s.logits.slice(0, MAX_ROWS)
  return (
    <div className="softmax" data-testid="softmax">
      <p className="equation">
        max z = {formatValue(s.max)} · Σ exp(z − max) ={' '}
        <strong data-testid="softmax-sum">{formatValue(s.sum)}</strong> · pᵢ = exp(zᵢ − max) / Σ
      </p>
      <table className="softmax-table">
        <thead>
          <tr>
            <th>class</th>
            <th>logit z</th>
            <th />
            <th>z − max</th>
            <th>exp</th>
            <th>p</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((z, i) => (
            <tr key={i} className={i === predicted ? 'chosen' : ''} data-testid={`softmax-row-${i}`}>
              <th>{labels?.[i] ?? i}</th>
              <td className="num">{formatValue(z)}</td>
              <td className="bar-cell">
                <span
                  className={`bar ${z < 0 ? 'neg' : 'pos'}`}
                  style={{
                    width: `${(Math.abs(z) / span) * 50}%`,
                    marginLeft: z < 0 ? `${50 - (Math.abs(z) / span) * 50}%` : '50%',
                  }}
                />
              </td>
              <td className="num">{formatValue(s.shifted[i]!)}</td>
              <td className="num">{formatValue(s.exps[i]!)}</td>
              <td className="num">{formatProbability(s.probabilities[i]!)}</td>
              <td className="bar-cell">
                <span className="bar prob" style={{ width: `${s.probabilities[i]! * 100}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {s.logits.length > MAX_ROWS && (
        <p className="muted">
          First {MAX_ROWS} of {s.logits.length} units.
        </p>
      )}
    </div>
  )
}
