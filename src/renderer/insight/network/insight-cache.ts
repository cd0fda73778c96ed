import { create } from 'zustand'
import type { SampleSource } from '../../../shared/api/insight'

/**
 * What the network views fetched, keyed by (what, run, sample, node): session state shared by the
 * sample bar, the node cards' thumbnails and the node view. Entries are never refetched while
 * they load or are held; the oldest go first past MAX_ENTRIES (feature maps can be megabytes).
 */
export type Entry<T> =
  { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: string }

const MAX_ENTRIES = 48

interface CacheState {
  entries: Record<string, Entry<unknown>>
  set(key: string, entry: Entry<unknown>): void
  /** Forgets one entry (Retry after an error fetches it again). */
  drop(key: string): void
  clear(): void
}

export const useInsightCache = create<CacheState>()((set) => ({
  entries: {},
  set: (key, entry) =>
    set((s) => {
      const { [key]: _old, ...rest } = s.entries
      const keys = Object.keys(rest)
      // Insertion order is age: drop the oldest finished entries past the limit.
      for (const k of keys.slice(0, Math.max(0, keys.length + 1 - MAX_ENTRIES)))
        if (rest[k]!.status !== 'loading') delete rest[k]
      return { entries: { ...rest, [key]: entry } }
    }),
  drop: (key) =>
    set((s) => {
      const { [key]: _dropped, ...rest } = s.entries
      return { entries: rest }
    }),
  clear: () => set({ entries: {} }),
}))

/** A short stable key for a sample: the split and index, or the file's name, size and a hash of its bytes. */
export function sampleKey(sample: SampleSource): string {
  if (sample.kind === 'dataset') return `${sample.split}:${sample.index}`
  const { name, data } = sample.file
  // FNV-1a over at most 4096 evenly spaced characters: enough to tell files apart, cheap for 20 MB.
  let h = 0x811c9dc5
  const step = Math.max(1, Math.floor(data.length / 4096))
  for (let i = 0; i < data.length; i += step) h = Math.imul(h ^ data.charCodeAt(i), 0x01000193)
  return `file:${name}:${data.length}:${(h >>> 0).toString(16)}`
}

export const cacheKey = (what: string, ...parts: (string | number | null | undefined)[]): string =>
  [what, ...parts.map((p) => p ?? '')].join('|')
