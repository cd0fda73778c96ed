import { useState, type Ref } from 'react'
import type { Api } from '../../../shared/api/contract'
import type { EvalSplit, Misclassified } from '../../../shared/api/insight'
import { filterMisclassified, PAGE_SIZE, pageOf, type GalleryFilter } from './gallery'
import { SampleCard } from './SampleCard'
import { useSampleImages } from './use-sample-images'

/**
 * The misclassified samples, most confident first, filtered by true and predicted class (set here
 * or by clicking the matrix or a confused pair), a page at a time: only the page's images are
 * fetched.
 */
export function MisclassifiedGallery({
  api,
  runId,
  split,
  classes,
  misclassified,
  filter,
  onFilter,
  onLookInside,
  ref,
}: {
  api: Api
  runId: string
  split: EvalSplit
  classes: string[]
  misclassified: Misclassified[]
  filter: GalleryFilter
  onFilter(f: GalleryFilter): void
  onLookInside(index: number): void
  ref?: Ref<HTMLElement>
}) {
  // The page goes back to the first whenever the filter changes.
  const filterKey = `${filter.label}/${filter.predicted}`
  const [paging, setPaging] = useState({ filterKey, page: 0 })
  const [selected, setSelected] = useState<number | null>(null)
  const shown = filterMisclassified(misclassified, filter)
  const { items, page, pages } = pageOf(shown, paging.filterKey === filterKey ? paging.page : 0)
  const images = useSampleImages(
    api,
    runId,
    split,
    items.map((m) => m.index),
  )
  const go = (p: number) => setPaging({ filterKey, page: p })
  const from = page * PAGE_SIZE + 1
  const to = page * PAGE_SIZE + items.length
  const n = (v: number) => v.toLocaleString('en-US')
  return (
    <section className="eval-gallery" aria-labelledby="eval-gallery-title" ref={ref}>
      <div className="eval-section-head">
        <h3 id="eval-gallery-title">Misclassified samples</h3>
        <div className="eval-filters">
          <ClassSelect
            label="True class"
            testId="eval-filter-true"
            classes={classes}
            value={filter.label}
            onChange={(label) => onFilter({ ...filter, label })}
          />
          <ClassSelect
            label="Predicted"
            testId="eval-filter-predicted"
            classes={classes}
            value={filter.predicted}
            onChange={(predicted) => onFilter({ ...filter, predicted })}
          />
          {(filter.label !== null || filter.predicted !== null) && (
            <button
              type="button"
              data-testid="eval-filter-clear"
              onClick={() => onFilter({ label: null, predicted: null })}
            >
              Show all
            </button>
          )}
        </div>
      </div>
      <p className="muted" data-testid="eval-gallery-count" aria-live="polite">
        {shown.length === 0
          ? misclassified.length === 0
            ? 'No sample was misclassified.'
            : `None of the ${n(misclassified.length)} misclassified samples match.`
          : `${n(from)}–${n(to)} of ${n(shown.length)}${shown.length < misclassified.length ? ` (filtered from ${n(misclassified.length)})` : ''} misclassified, most confident first`}
      </p>
      {images.error && (
        <p className="error" role="alert" data-testid="eval-images-error">
          Could not load the images: {images.error}{' '}
          <button type="button" onClick={images.retry}>
            Try again
          </button>
        </p>
      )}
      <ul className="eval-samples" data-testid="eval-samples">
        {items.map((m) => (
          <SampleCard
            key={m.index}
            sample={m}
            image={images.image(m.index)}
            classes={classes}
            selected={selected === m.index}
            onSelect={() => setSelected((s) => (s === m.index ? null : m.index))}
            onLookInside={() => onLookInside(m.index)}
          />
        ))}
      </ul>
      {pages > 1 && (
        <nav className="eval-pager" aria-label="Pages of samples">
          <button
            type="button"
            data-testid="eval-page-prev"
            disabled={page === 0}
            onClick={() => go(page - 1)}
          >
            Previous
          </button>
          <span data-testid="eval-page">
            Page {page + 1} of {pages}
          </span>
          <button
            type="button"
            data-testid="eval-page-next"
            disabled={page >= pages - 1}
            onClick={() => go(page + 1)}
          >
            Next
          </button>
        </nav>
      )}
    </section>
  )
}

function ClassSelect({
  label,
  testId,
  classes,
  value,
  onChange,
}: {
  label: string
  testId: string
  classes: string[]
  value: number | null
  onChange(v: number | null): void
}) {
  return (
    <label>
      {label}
      <select
        data-testid={testId}
        value={value === null ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
      >
        <option value="">Any</option>
        {classes.map((c, i) => (
          <option key={i} value={i}>
            {c}
          </option>
        ))}
      </select>
    </label>
  )
}
