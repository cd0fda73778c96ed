import { randomUUID } from 'node:crypto'
import { ApiError, type Handlers } from '../../shared/api/contract'
import { parseProjectFile } from '../../shared/api/project-file'
import {
  PROJECT_FILE_FORMAT,
  PROJECT_FILE_VERSION,
  PROJECT_NAME_MAX,
  type OpenedProject,
  type ProjectSummary,
  type ViewState,
} from '../../shared/api/projects'
import { emptyDocument, type GraphDocument } from '../../shared/graph/document'
import { inferGraph } from '../../shared/graph/infer'
import type { Template } from '../../shared/templates'
import type { DB } from '../db/connection'
import { createGraphVersionsRepo } from '../db/graph-versions-repo'
import { createProjectsRepo, type ProjectRow } from '../db/projects-repo'
import { createSettingsRepo } from '../db/settings-repo'
import { sweepRunFolders } from './run-files'

export type ProjectsService = Pick<
  Handlers,
  | 'projects.list'
  | 'projects.create'
  | 'projects.open'
  | 'projects.save'
  | 'projects.rename'
  | 'projects.duplicate'
  | 'projects.delete'
  | 'projects.versions'
  | 'projects.export'
  | 'projects.import'
  | 'session.last'
>

export interface ProjectsServiceOptions {
  /** Templates `projects.create` can copy. */
  templates: readonly Template[]
  /** The clock, for tests. */
  now?: () => Date
  /** The data folder: a deleted project's runs' files (`runs/<id>/`) are removed from it. */
  dataDir?: string
}

interface Totals {
  nodes: number
  trainable: number
  macs: number
}

/**
 * Projects and their versions in SQLite. `getDb` is called on each request, so the database can
 * be opened on first use (and a failure to open it reported to the caller as an `ApiError`).
 * Totals are inferred from the latest document and cached by version id (versions never change).
 */
export function createProjectsService(getDb: () => DB, options: ProjectsServiceOptions): ProjectsService {
  const now = () => (options.now ?? (() => new Date()))().toISOString()
  let repos: ReturnType<typeof createRepos> | undefined
  const totalsCache = new Map<number, Totals>()

  function db() {
    const handle = getDb()
    if (repos?.db !== handle) repos = createRepos(handle)
    return repos
  }

  function requireProject(id: string): ProjectRow {
    const p = db().projects.get(id)
    if (!p) throw new ApiError('not-found', `No project with id '${id}': it may have been deleted.`)
    return p
  }

  function latestDocument(id: string): { id: number; document: GraphDocument } {
    const latest = db().versions.latest(id)
    if (!latest) throw new Error(`Project '${id}' has no saved version.`)
    return latest
  }

  function totals(versionId: number | null): Totals {
    if (versionId === null) return { nodes: 0, trainable: 0, macs: 0 }
    let t = totalsCache.get(versionId)
    if (!t) {
      const doc = db().versions.document(versionId)
      const a = doc && inferGraph(doc)
      t = { nodes: doc?.nodes.length ?? 0, trainable: a?.totals.trainable ?? 0, macs: a?.totals.macs ?? 0 }
      if (totalsCache.size > 1000) totalsCache.clear()
      totalsCache.set(versionId, t)
    }
    return t
  }

  function summary(p: ProjectRow, versionId: number | null): ProjectSummary {
    const { id, name, createdAt, updatedAt, lastOpenedAt } = p
    return { id, name, createdAt, updatedAt, lastOpenedAt, ...totals(versionId) }
  }

  /** Inserts a project with its first version, in one transaction; returns its row and version id. */
  function insertProject(
    name: string,
    document: GraphDocument,
    viewState: ViewState | null,
    opened: boolean,
  ): { row: ProjectRow; versionId: number } {
    const { projects, versions, settings, transaction } = db()
    const at = now()
    const row: ProjectRow = {
      id: randomUUID(),
      name,
      createdAt: at,
      updatedAt: at,
      lastOpenedAt: opened ? at : null,
      viewState,
    }
    const versionId = transaction(() => {
      projects.insert(row)
      if (opened) settings.set('lastProjectId', row.id)
      return versions.append(row.id, document, at)
    })
    return { row, versionId }
  }

  function opened(row: ProjectRow, document: GraphDocument, versionId: number): OpenedProject {
    return { project: summary(row, versionId), document, viewState: row.viewState, versionId }
  }

  return {
    'projects.list': () =>
      db()
        .projects.list()
        .map((p) => summary(p, p.latestVersionId)),

    'projects.create': ({ name, template }) => {
      let document = emptyDocument(name)
      if (template !== undefined) {
        const t = options.templates.find((x) => x.name === template)
        if (!t) {
          const known = options.templates.map((x) => x.name).join(', ')
          throw new ApiError(
            'not-found',
            `No template named '${template}'. Known templates: ${known || 'none'}.`,
          )
        }
        document = structuredClone(t.document)
      }
      const { row, versionId } = insertProject(name, document, null, true)
      return opened(row, document, versionId)
    },

    'projects.open': ({ id }) => {
      const { projects, settings, transaction } = db()
      return transaction(() => {
        const row = requireProject(id)
        const latest = latestDocument(id)
        row.lastOpenedAt = now()
        projects.markOpened(id, row.lastOpenedAt)
        settings.set('lastProjectId', id)
        return opened(row, latest.document, latest.id)
      })
    },

    'projects.save': ({ id, document, viewState, note, baseVersionId }) => {
      const { projects, versions, transaction } = db()
      return transaction(() => {
        requireProject(id)
        const latestId = versions.latestId(id)
        if (baseVersionId !== undefined && latestId !== undefined && baseVersionId !== latestId)
          throw new ApiError(
            'conflict',
            `The project was saved elsewhere since this copy was opened (version ${baseVersionId}; the latest is ${latestId}). Reopen it, or duplicate the project to keep both.`,
          )
        const at = now()
        const result = versions.appendIfChanged(id, document, at, note ?? null)
        if (result.saved) projects.touch(id, at)
        if (viewState !== undefined) projects.setViewState(id, viewState)
        return result
      })
    },

    'projects.rename': ({ id, name }) => {
      const { projects, versions } = db()
      if (!projects.rename(id, name, now())) requireProject(id)
      return summary(requireProject(id), versions.latestId(id) ?? null)
    },

    'projects.duplicate': ({ id }) => {
      const source = requireProject(id)
      const latest = latestDocument(id)
      const suffix = ' (copy)'
      const name = source.name.slice(0, PROJECT_NAME_MAX - suffix.length) + suffix
      const { row, versionId } = insertProject(name, latest.document, source.viewState, false)
      return summary(row, versionId)
    },

    'projects.delete': ({ id }) => {
      const { projects, settings, transaction } = db()
      transaction(() => {
        if (!projects.delete(id)) requireProject(id)
        if (settings.get('lastProjectId') === id) settings.delete('lastProjectId')
      })
      if (options.dataDir) sweepRunFolders(options.dataDir, db().db)
      return { id }
    },

    'projects.versions': ({ id }) => {
      requireProject(id)
      return db()
        .versions.list(id)
        .map((v) => ({ id: v.id, createdAt: v.createdAt, nodes: v.nodes, note: v.note }))
    },

    'projects.export': ({ id }) => {
      const p = requireProject(id)
      return {
        format: PROJECT_FILE_FORMAT,
        version: PROJECT_FILE_VERSION,
        name: p.name,
        exportedAt: now(),
        document: latestDocument(id).document,
        viewState: p.viewState,
      }
    },

    'projects.import': ({ file }) => {
      // Everything is checked before anything is written.
      const parsed = parseProjectFile(file)
      if (parsed.error !== undefined) throw new ApiError('invalid', parsed.error)
      const { row, versionId } = insertProject(
        parsed.file.name,
        parsed.file.document,
        parsed.file.viewState,
        false,
      )
      return summary(row, versionId)
    },

    'session.last': () => {
      const { projects, settings } = db()
      const id = settings.get('lastProjectId')
      return typeof id === 'string' && projects.get(id) ? id : null
    },
  }
}

function createRepos(db: DB) {
  return {
    db,
    projects: createProjectsRepo(db),
    versions: createGraphVersionsRepo(db),
    settings: createSettingsRepo(db),
    /** IMMEDIATE: takes the write lock up front, so a read-then-write never meets a stale snapshot. */
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
  }
}
