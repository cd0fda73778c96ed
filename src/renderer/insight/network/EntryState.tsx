import { useInsightCache } from './insight-cache'
import type { Keyed } from './use-insight-data'

/** What a view shows while its data loads or after it failed (with Retry); null once ready. */
export function EntryState({
  entry,
  loading,
  testId,
}: {
  entry: Keyed<unknown> | null
  loading: string
  testId: string
}) {
  if (!entry || entry.status === 'ready') return null
  if (entry.status === 'loading')
    return (
      <p className="muted insight-loading" data-testid={`${testId}-loading`} aria-busy="true">
        {loading}
      </p>
    )
  return (
    <p className="error" role="alert" data-testid={`${testId}-error`}>
      {entry.error}{' '}
      <button type="button" className="link" onClick={() => useInsightCache.getState().drop(entry.key)}>
        Retry
      </button>
    </p>
  )
}
