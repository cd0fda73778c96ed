import { viewStateSchema, type ViewState } from '../../shared/api/projects'
import type { DB } from './connection'

export interface ProjectRow {
  id: string
  name: string
  createdAt: string
  updatedAt: string
  lastOpenedAt: string | null
  viewState: ViewState | null
}

/** A project with the id of its latest graph version, as the project list needs it. */
export interface ProjectListRow extends ProjectRow {
  latestVersionId: number | null
}

interface Raw {
  id: string
  name: string
  created_at: string
  updated_at: string
  last_opened_at: string | null
  view_state: string | null
  latest_version_id?: number | null
}

const COLUMNS = 'p.id, p.name, p.created_at, p.updated_at, p.last_opened_at, p.view_state'

/** The `projects` table. Prepared statements only; times are ISO 8601 strings. */
export function createProjectsRepo(db: DB) {
  const s = {
    insert: db.prepare(
      `INSERT INTO projects (id, name, created_at, updated_at, last_opened_at, view_state)
       VALUES (@id, @name, @createdAt, @updatedAt, @lastOpenedAt, @viewState)`,
    ),
    get: db.prepare<[string], Raw>(`SELECT ${COLUMNS} FROM projects p WHERE p.id = ?`),
    // Most recently opened or changed first; rowid breaks ties in creation order.
    list: db.prepare<[], Raw>(
      `SELECT ${COLUMNS},
         (SELECT max(v.id) FROM graph_versions v WHERE v.project_id = p.id) AS latest_version_id
       FROM projects p
       ORDER BY max(p.updated_at, coalesce(p.last_opened_at, '')) DESC, p.rowid DESC`,
    ),
    rename: db.prepare<[string, string, string]>(`UPDATE projects SET name = ?, updated_at = ? WHERE id = ?`),
    touch: db.prepare<[string, string]>(`UPDATE projects SET updated_at = ? WHERE id = ?`),
    opened: db.prepare<[string, string]>(`UPDATE projects SET last_opened_at = ? WHERE id = ?`),
    view: db.prepare<[string | null, string]>(`UPDATE projects SET view_state = ? WHERE id = ?`),
    delete: db.prepare<[string]>(`DELETE FROM projects WHERE id = ?`),
    count: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM projects`),
  }
  return {
    insert(p: ProjectRow): void {
      s.insert.run({ ...p, viewState: p.viewState ? JSON.stringify(p.viewState) : null })
    },
    get(id: string): ProjectRow | undefined {
      const r = s.get.get(id)
      return r && fromRaw(r)
    },
    list(): ProjectListRow[] {
      return s.list.all().map((r) => ({ ...fromRaw(r), latestVersionId: r.latest_version_id ?? null }))
    },
    /** Each update returns whether the project exists. */
    rename(id: string, name: string, at: string): boolean {
      return s.rename.run(name, at, id).changes > 0
    },
    touch(id: string, at: string): boolean {
      return s.touch.run(at, id).changes > 0
    },
    markOpened(id: string, at: string): boolean {
      return s.opened.run(at, id).changes > 0
    },
    setViewState(id: string, viewState: ViewState | null): boolean {
      return s.view.run(viewState ? JSON.stringify(viewState) : null, id).changes > 0
    },
    /** Deletes the project; its versions (and their runs) go with it (ON DELETE CASCADE). */
    delete(id: string): boolean {
      return s.delete.run(id).changes > 0
    },
    count(): number {
      return s.count.get()!.n
    },
  }
}

export type ProjectsRepo = ReturnType<typeof createProjectsRepo>

function fromRaw(r: Raw): ProjectRow {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastOpenedAt: r.last_opened_at,
    viewState: parseViewState(r.view_state),
  }
}

/** A stored view that no longer parses (an older app's shape) is dropped, not fatal. */
function parseViewState(text: string | null): ViewState | null {
  if (text === null) return null
  try {
    const parsed = viewStateSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
