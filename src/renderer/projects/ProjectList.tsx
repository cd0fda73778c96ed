import { useEffect, useState } from 'react'
import type { Api } from '../../shared/api/contract'
import { PROJECT_FILE_EXTENSION, type ProjectSummary } from '../../shared/api/projects'
import { formatCount } from '../format'
import { errorMessage } from '../error-message'

const when = (iso: string) => new Date(iso).toLocaleString()

/** Offers a JSON value as a file download (in Electron, the window's download asks where to save). */
export function download(name: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** The recent projects: open, rename, duplicate, export, delete. */
export function ProjectList({ api, onOpen }: { api: Api; onOpen(id: string): void }) {
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [renaming, setRenaming] = useState<string | null>(null)
  const [revision, setRevision] = useState(0)
  const refresh = () => setRevision((r) => r + 1)
  const run = (action: Promise<unknown>) => action.then(refresh, (e: unknown) => setError(errorMessage(e)))

  useEffect(() => {
    api.projects.list().then(setProjects, (e: unknown) => setError(errorMessage(e)))
  }, [api, revision])

  if (error && !projects) return <p className="error">Could not list the projects: {error}</p>
  if (!projects) return <p className="muted">Loading projects…</p>
  if (projects.length === 0) return <p className="muted">No projects yet: start one from a template below.</p>
  return (
    <>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <table className="projects" data-testid="projects">
        <thead>
          <tr>
            <th scope="col">Project</th>
            <th scope="col" className="num">
              Nodes
            </th>
            <th scope="col" className="num">
              Params
            </th>
            <th scope="col" className="num">
              MACs
            </th>
            <th scope="col">Changed</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {projects.map((p) => (
            <tr key={p.id} data-testid={`project-${p.name}`}>
              <td>
                {renaming === p.id ? (
                  <input
                    autoFocus
                    aria-label="New name"
                    defaultValue={p.name}
                    onKeyDown={(e) => {
                      if (e.key === 'Escape') setRenaming(null)
                      if (e.key !== 'Enter') return
                      setRenaming(null)
                      void run(api.projects.rename({ id: p.id, name: e.currentTarget.value }))
                    }}
                  />
                ) : (
                  <button type="button" className="link" onClick={() => onOpen(p.id)}>
                    {p.name}
                  </button>
                )}
              </td>
              <td className="num">{p.nodes}</td>
              <td className="num">{formatCount(p.trainable)}</td>
              <td className="num">{formatCount(p.macs)}</td>
              <td>{when(p.updatedAt)}</td>
              <td className="row-actions">
                <button type="button" onClick={() => setRenaming(p.id)}>
                  Rename
                </button>
                <button type="button" onClick={() => void run(api.projects.duplicate({ id: p.id }))}>
                  Duplicate
                </button>
                <button
                  type="button"
                  onClick={() =>
                    void run(
                      api.projects
                        .export({ id: p.id })
                        .then((f) => download(`${p.name}${PROJECT_FILE_EXTENSION}`, f)),
                    )
                  }
                >
                  Export
                </button>
                <button
                  type="button"
                  onClick={() => {
                    if (window.confirm(`Delete “${p.name}” and all its saved versions?`))
                      void run(api.projects.delete({ id: p.id }))
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
