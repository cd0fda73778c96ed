import type { DB } from './connection'

export interface DatasetRow {
  /** `mnist`, `fashion-mnist`, `cifar10`, or `folder:<absolute path>` (src/shared/training/dataset-id.ts). */
  id: string
  name: string
  /** Where it came from: `builtin` or `folder`. */
  source: string
  /** The folder (or files) it was read from. */
  path: string
  /** Bytes of its files on disk. */
  sizeBytes: number
  /** Images in both splits; null when not known. */
  samples: number | null
  classes: string[]
  /** SHA-256 of the decoded images and labels (src/main/datasets/hash.ts); null when not known. */
  contentHash: string | null
}

/** A registered dataset, with when it was first registered. */
export interface StoredDataset extends DatasetRow {
  createdAt: string
}

interface Raw {
  id: string
  name: string
  source: string
  path: string
  size_bytes: number
  samples: number | null
  classes: string
  content_hash: string | null
  created_at: string
}

const COLUMNS = 'id, name, source, path, size_bytes, samples, classes, content_hash, created_at'

const fromRaw = (r: Raw): StoredDataset => ({
  id: r.id,
  name: r.name,
  source: r.source,
  path: r.path,
  sizeBytes: r.size_bytes,
  samples: r.samples,
  classes: JSON.parse(r.classes) as string[],
  contentHash: r.content_hash,
  createdAt: r.created_at,
})

/** The fields of a dataset that can change when its files change. */
export type DatasetUpdate = Partial<Omit<DatasetRow, 'id'>>

/**
 * The `datasets` table: every dataset a run has trained on (or the user registered), with its
 * content hash. Prepared statements only; times are ISO 8601 strings.
 */
export function createDatasetsRepo(db: DB) {
  const s = {
    upsert: db.prepare(
      `INSERT INTO datasets (id, name, source, path, size_bytes, samples, classes, content_hash, created_at)
       VALUES (@id, @name, @source, @path, @sizeBytes, @samples, @classes, @contentHash, @now)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, source = excluded.source, path = excluded.path,
       size_bytes = excluded.size_bytes, samples = excluded.samples, classes = excluded.classes,
       content_hash = excluded.content_hash`,
    ),
    update: db.prepare(
      `UPDATE datasets SET name = @name, source = @source, path = @path, size_bytes = @sizeBytes,
       samples = @samples, classes = @classes, content_hash = @contentHash WHERE id = @id`,
    ),
    get: db.prepare<[string], Raw>(`SELECT ${COLUMNS} FROM datasets WHERE id = ?`),
    list: db.prepare<[], Raw>(`SELECT ${COLUMNS} FROM datasets ORDER BY name COLLATE NOCASE, id`),
    delete: db.prepare<[string]>(`DELETE FROM datasets WHERE id = ?`),
  }
  const params = (d: DatasetRow) => ({ ...d, classes: JSON.stringify(d.classes) })
  const repo = {
    /**
     * Registers a dataset, or updates every field of the registered one (its files changed: a new
     * hash); `now` is kept as its creation time the first time only.
     */
    upsert(d: DatasetRow, now: string): void {
      s.upsert.run({ ...params(d), now })
    },
    /** The same as {@link upsert}. */
    register(d: DatasetRow, now: string): void {
      repo.upsert(d, now)
    },
    /** Changes some fields of a registered dataset; false when there is none with that id. */
    update(id: string, changes: DatasetUpdate): boolean {
      const current = repo.get(id)
      if (!current) return false
      const { createdAt: _, ...row } = current
      s.update.run(params({ ...row, ...changes, id }))
      return true
    },
    get(id: string): StoredDataset | undefined {
      const r = s.get.get(id)
      return r && fromRaw(r)
    },
    /** Every registered dataset, by name. */
    list(): StoredDataset[] {
      return s.list.all().map(fromRaw)
    },
    /**
     * Forgets a dataset (its files stay); false when there was none. Runs that trained on it keep
     * its name and hash but lose the link (their dataset_id becomes null).
     */
    delete(id: string): boolean {
      return s.delete.run(id).changes > 0
    },
  }
  return repo
}

export type DatasetsRepo = ReturnType<typeof createDatasetsRepo>
