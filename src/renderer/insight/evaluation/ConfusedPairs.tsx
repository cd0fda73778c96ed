import type { Evaluation } from '../../../shared/api/insight'
import type { GalleryFilter } from './gallery'

/** The off-diagonal cells with the most samples; clicking one shows its samples in the gallery. */
export function ConfusedPairs({
  pairs,
  classes,
  selected,
  onSelect,
}: {
  pairs: Evaluation['confusedPairs']
  classes: string[]
  selected: GalleryFilter
  onSelect(label: number, predicted: number): void
}) {
  return (
    <section aria-labelledby="eval-pairs-title">
      <h3 id="eval-pairs-title">Most confused</h3>
      {pairs.length === 0 ? (
        <p className="muted">No sample was misclassified.</p>
      ) : (
        <ol className="eval-pairs" data-testid="eval-pairs">
          {pairs.map((p) => (
            <li key={`${p.label}-${p.predicted}`}>
              <button
                type="button"
                data-testid="eval-pair"
                aria-pressed={selected.label === p.label && selected.predicted === p.predicted}
                onClick={() => onSelect(p.label, p.predicted)}
              >
                <span className="pair-names">
                  {classes[p.label]} <span aria-label="predicted as">→</span> {classes[p.predicted]}
                </span>
                <span className="pair-count">{p.count.toLocaleString('en-US')}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
