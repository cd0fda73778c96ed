import type { Misclassified, SampleImage } from '../../../shared/api/insight'
import { SampleCanvas } from '../../images/SampleCanvas'

const percent = (p: number) => `${(100 * p).toFixed(p >= 0.995 || p < 0.1 ? 1 : 0)}%`

/**
 * One misclassified sample: its image (scaled up, pixels kept sharp), the true and predicted
 * class, and bars for the three most probable classes. Clicking it offers "Look inside".
 */
export function SampleCard({
  sample: m,
  image,
  classes,
  selected,
  onSelect,
  onLookInside,
}: {
  sample: Misclassified
  /** Undefined while the page's images are fetched. */
  image: SampleImage | undefined
  classes: string[]
  selected: boolean
  onSelect(): void
  onLookInside(): void
}) {
  return (
    <li
      className={selected ? 'eval-sample selected' : 'eval-sample'}
      data-testid="eval-sample"
      data-index={m.index}
    >
      <button
        type="button"
        className="eval-sample-main"
        aria-pressed={selected}
        aria-label={`Sample ${m.index}: true ${classes[m.label]}, predicted ${classes[m.predicted]} (${percent(m.confidence)})`}
        onClick={onSelect}
      >
        <span className="eval-thumb">
          {image ? (
            <SampleCanvas pixels={image.pixels} image={image.image} label={classes[m.label]} />
          ) : (
            <span className="eval-thumb-wait" data-testid="eval-thumb-wait" />
          )}
        </span>
        <span className="eval-sample-text">
          <span className="muted">#{m.index} · true</span>
          <b data-testid="eval-sample-true">{classes[m.label]}</b>
          <span className="muted">predicted</span>
          <b className="wrong" data-testid="eval-sample-predicted">
            {classes[m.predicted]}
          </b>
        </span>
      </button>
      <ol className="eval-top" aria-label="Most probable classes">
        {m.top.slice(0, 3).map((t) => (
          <li
            key={t.class}
            className={t.class === m.label ? 'true' : t.class === m.predicted ? 'predicted' : undefined}
          >
            <span className="top-name">{classes[t.class]}</span>
            <span className="top-bar" aria-hidden="true">
              <span style={{ width: `${Math.max(0, Math.min(1, t.probability)) * 100}%` }} />
            </span>
            <span className="top-p">{percent(t.probability)}</span>
          </li>
        ))}
      </ol>
      {selected && (
        <button
          type="button"
          className="primary eval-look"
          data-testid="eval-look-inside"
          onClick={onLookInside}
        >
          Look inside
        </button>
      )}
    </li>
  )
}
