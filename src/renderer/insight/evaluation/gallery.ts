import type { Misclassified } from '../../../shared/api/insight'

/** Misclassified samples per gallery page (one `runs.samples` call fetches a page's images). */
export const PAGE_SIZE = 48

/** Which misclassified samples the gallery shows: by true class, predicted class, both or neither (null = any). */
export interface GalleryFilter {
  label: number | null
  predicted: number | null
}

export const NO_FILTER: GalleryFilter = { label: null, predicted: null }

/** The samples that pass the filter, in the order given (the evaluation's: most confident first). */
export const filterMisclassified = (all: Misclassified[], f: GalleryFilter): Misclassified[] =>
  all.filter(
    (m) => (f.label === null || m.label === f.label) && (f.predicted === null || m.predicted === f.predicted),
  )

/** One page of `items`; `page` is clamped to the pages there are (page 0 of nothing is empty). */
export function pageOf<T>(
  items: T[],
  page: number,
  size = PAGE_SIZE,
): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size))
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1)
  return { items: items.slice(p * size, (p + 1) * size), page: p, pages }
}
