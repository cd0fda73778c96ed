import type { DB } from './connection'

export interface DatasetRow {
  id: string
  name: string
  /** Where it came from: `builtin` or `folder`. */
  source: string
  path: string
  sizeBytes: number
  samples: number
  classes: string[]
  contentHash: string
}

/** The `datasets` table: every dataset a run has trained on, with its content hash. */
export function createDatasetsRepo(db: DB) {
  const s = {
    upsert: db.prepare(
      `INSERT INTO datasets (id, name, source, path, size_bytes, samples, classes, content_hash, created_at)
       VALUES (@id, @name, @source, @path, @sizeBytes, @samples, @classes, @contentHash, @now)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, source = excluded.source, path = excluded.path,
       size_bytes = excluded.size_bytes, samples = excluded.samples, classes = excluded.classes,
       content_hash = excluded.content_hash`,
    ),
    get: db.prepare<[string], Record<string, unknown>>(`SELECT * FROM datasets WHERE id = ?`),
  }
  return {
    /** Registers a dataset, or updates it when its files changed (a new hash). */
    upsert(d: DatasetRow, now: string): void {
      s.upsert.run({ ...d, classes: JSON.stringify(d.classes), now })
    },
    get(id: string): DatasetRow | undefined {
      const r = s.get.get(id)
      return (
        r && {
          id: r.id as string,
          name: r.name as string,
          source: r.source as string,
          path: r.path as string,
          sizeBytes: r.size_bytes as number,
          samples: r.samples as number,
          classes: JSON.parse(r.classes as string) as string[],
          contentHash: r.content_hash as string,
        }
      )
    },
  }
}
