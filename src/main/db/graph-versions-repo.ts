import { parseDocument, type GraphDocument } from '../../shared/graph/document'
import { canonicalJson } from './canonical-json'
import type { DB } from './connection'

export interface VersionRow {
  id: number
  projectId: string
  createdAt: string
  note: string | null
  /** Top-level nodes, counted by SQLite from the stored JSON. */
  nodes: number
}

interface Raw {
  id: number
  project_id: string
  created_at: string
  note: string | null
  nodes: number
}

const COLUMNS = `id, project_id, created_at, note, json_array_length(document, '$.nodes') AS nodes`

/**
 * The `graph_versions` table: every saved state of every project, kept. Documents are stored as
 * canonical JSON (keys sorted), so "did it change?" is a string comparison, and read back through
 * `parseDocument`, so a version saved by an older document format is migrated on the way out.
 */
export function createGraphVersionsRepo(db: DB) {
  const s = {
    insert: db.prepare<[string, string, string, string | null]>(
      `INSERT INTO graph_versions (project_id, created_at, document, note) VALUES (?, ?, ?, ?)`,
    ),
    latest: db.prepare<[string], { id: number; document: string }>(
      `SELECT id, document FROM graph_versions WHERE project_id = ? ORDER BY id DESC LIMIT 1`,
    ),
    document: db.prepare<[number], { document: string }>(`SELECT document FROM graph_versions WHERE id = ?`),
    list: db.prepare<[string], Raw>(
      `SELECT ${COLUMNS} FROM graph_versions WHERE project_id = ? ORDER BY id DESC`,
    ),
    count: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM graph_versions`),
  }
  return {
    /** Adds a version; returns its id. */
    append(projectId: string, document: GraphDocument, at: string, note: string | null = null): number {
      return Number(s.insert.run(projectId, at, canonicalJson(document), note).lastInsertRowid)
    },
    /** Adds a version only when the document differs from the latest one. */
    appendIfChanged(
      projectId: string,
      document: GraphDocument,
      at: string,
      note: string | null = null,
    ): { versionId: number; saved: boolean } {
      const json = canonicalJson(document)
      const latest = s.latest.get(projectId)
      if (latest && latest.document === json) return { versionId: latest.id, saved: false }
      return { versionId: Number(s.insert.run(projectId, at, json, note).lastInsertRowid), saved: true }
    },
    latestId(projectId: string): number | undefined {
      return s.latest.get(projectId)?.id
    },
    /** The latest document of a project, or undefined when it has no version. */
    latest(projectId: string): { id: number; document: GraphDocument } | undefined {
      const r = s.latest.get(projectId)
      return r && { id: r.id, document: read(r.document, r.id) }
    },
    document(versionId: number): GraphDocument | undefined {
      const r = s.document.get(versionId)
      return r && read(r.document, versionId)
    },
    /** A project's versions, newest first. */
    list(projectId: string): VersionRow[] {
      return s.list.all(projectId).map((r) => ({
        id: r.id,
        projectId: r.project_id,
        createdAt: r.created_at,
        note: r.note,
        nodes: r.nodes ?? 0,
      }))
    },
    count(): number {
      return s.count.get()!.n
    },
  }
}

export type GraphVersionsRepo = ReturnType<typeof createGraphVersionsRepo>

function read(json: string, id: number): GraphDocument {
  const parsed = parseDocument(JSON.parse(json))
  if (parsed.error !== undefined) throw new Error(`Graph version ${id} cannot be read: ${parsed.error}`)
  return parsed.doc
}
