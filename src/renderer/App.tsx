import { useEffect, useRef, useState } from 'react'
import type { Api, TemplateSummary } from '../shared/api/contract'
import { emptyDocument, type GraphDocument } from '../shared/graph/document'
import { getTemplate } from '../shared/templates'
import type { OpenedProject, ViewState } from '../shared/api/projects'
import { Workspace } from './Workspace'
import { ProjectList } from './projects/ProjectList'
import type { OpenProject } from './projects/use-autosave'
import { readGraphFile } from './read-graph-file'
import { ShapeSketch } from './ShapeSketch'
import { ThemePicker } from './theme/ThemePicker'
import { ensurePositions } from './editor/layout'
import { useDocument } from './store/document-store'
import { useUi } from './store/ui-store'
import type { GraphAnalysis } from '../shared/graph/infer'
import { formatShape } from '../shared/tensor/shape'
import type { Transport } from './api'
import { saveDownload } from './api/http'
import { formatBytes, formatCount, formatTotals } from './format'
import { errorMessage } from './error-message'

type Load<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; value: T }

/** Runs an API call when its inputs change, and keeps only the latest answer. */
function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Load<T> {
  const [result, setResult] = useState<Load<T>>({ state: 'loading' })
  useEffect(() => {
    let current = true
    setResult({ state: 'loading' })
    load().then(
      (value) => current && setResult({ state: 'ready', value }),
      (e: unknown) => current && setResult({ state: 'error', message: errorMessage(e) }),
    )
    return () => {
      current = false
    }
    // The caller lists what `load` reads in `deps`.
  }, deps)
  return result
}

export function App({ api, transport }: { api: Api; transport: Transport }) {
  const templates = useLoad(() => api.templates.list(), [api])
  const [selected, setSelected] = useState<string | null>(null)
  const [editing, setEditing] = useState<{ project: OpenProject | null; view: ViewState | null } | null>(null)
  const editingRef = useRef(editing)
  editingRef.current = editing
  const [message, setMessage] = useState<string | null>(null)
  // Projects live in the services' database: in the page alone there is none to keep them in.
  const keepsProjects = transport !== 'in-page'
  const fail = (e: unknown) => setMessage(errorMessage(e))

  const edit = (doc: GraphDocument, project: OpenProject | null = null, view: ViewState | null = null) => {
    // Selection is per document: a restored view selects again once the canvas is up.
    useUi.getState().select([])
    useDocument.getState().load(ensurePositions(doc))
    setMessage(null)
    setEditing({ project, view })
  }
  const openProject = (opened: OpenedProject) =>
    edit(opened.document, { id: opened.project.id, versionId: opened.versionId }, opened.viewState)
  const openById = (id: string) => api.projects.open({ id }).then(openProject, fail)
  const create = (name: string, template?: string, doc?: GraphDocument) =>
    keepsProjects
      ? api.projects.create({ name, template }).then(openProject, fail)
      : edit(doc ?? emptyDocument(name))
  const openFile = async (file: File) => {
    const bytes = new Uint8Array(await file.arrayBuffer())
    const r = readGraphFile(file.name, bytes)
    if (r.error !== undefined) return setMessage(r.error)
    if (!keepsProjects) return edit(r.doc)
    const raw: unknown = JSON.parse(new TextDecoder().decode(bytes))
    return api.projects.import({ file: raw }).then((p) => openById(p.id), fail)
  }

  // The desktop menu: File > New goes back to the start screen, File > Open opens the imported project.
  useEffect(
    () =>
      api.on('app.command', (c) => {
        // The editor saves and closes the window itself; without it there is nothing to save.
        if (c.command === 'save-and-close' && !editingRef.current) window.close()
        else if (c.command === 'new') setEditing(null)
        else if (c.command === 'open-project') void openById(c.id)
      }),
    [api],
  )

  // Reopening the app restores the last project, in the view it was left in; until that is
  // known the start screen is not shown, so that it does not flash.
  const [restoring, setRestoring] = useState(keepsProjects)
  useEffect(() => {
    if (!keepsProjects) return
    api.session
      .last()
      .then((id) => (id ? openById(id) : undefined), fail)
      .finally(() => setRestoring(false))
    // Once, at start-up.
  }, [api, keepsProjects])

  if (restoring) return <p className="muted restoring">Opening your last project…</p>
  if (editing)
    return (
      <Workspace
        api={api}
        project={editing.project}
        initialView={editing.view}
        onClose={() => setEditing(null)}
        download={transport === 'http' ? saveDownload : undefined}
      />
    )
  return (
    <div className="app">
      <header className="app-header">
        <ThemePicker />
        <h1>CNN Studio</h1>
        <p>
          Build convolutional networks visually, see every tensor shape as you edit, train and export to ONNX.
        </p>
      </header>
      {message && (
        <p role="alert" className="error app-message">
          {message}
        </p>
      )}
      {keepsProjects && (
        <section className="recent" aria-labelledby="projects-title">
          <h2 id="projects-title">Projects</h2>
          <ProjectList api={api} onOpen={(id) => void openById(id)} />
        </section>
      )}
      <main className="start">
        <section className="gallery" aria-labelledby="gallery-title">
          <div className="gallery-head">
            <h2 id="gallery-title">Start from a template</h2>
            <span className="actions">
              <label className="button">
                Open file…
                <input
                  type="file"
                  accept=".json,application/json"
                  data-testid="open-file"
                  hidden
                  onChange={async (e) => {
                    const file = e.target.files?.[0]
                    e.target.value = ''
                    if (file) await openFile(file)
                  }}
                />
              </label>
              <button type="button" onClick={() => void create('Untitled network')}>
                Blank network
              </button>
            </span>
          </div>
          {templates.state === 'loading' && <p className="muted">Loading templates…</p>}
          {templates.state === 'error' && (
            <p role="alert" className="error">
              Could not load the templates: {templates.message}
            </p>
          )}
          {templates.state === 'ready' && templates.value.length === 0 && (
            <p className="muted">No templates are installed.</p>
          )}
          {templates.state === 'ready' && templates.value.length > 0 && (
            <ul className="cards">
              {templates.value.map((t) => (
                <li key={t.name}>
                  <TemplateCard
                    template={t}
                    selected={t.name === selected}
                    onSelect={() => setSelected(t.name === selected ? null : t.name)}
                  />
                </li>
              ))}
            </ul>
          )}
        </section>
        {selected && (
          <TemplateDetail
            key={selected}
            api={api}
            name={selected}
            onOpen={(doc) => void create(doc.name, selected, doc)}
          />
        )}
      </main>
      <footer className="app-footer muted">
        {transport !== 'in-page' ? (
          `Services: CNN Studio (${transport === 'electron' ? 'desktop app' : 'browser mode'}); projects are saved automatically.`
        ) : (
          <>
            Services: computed in this page. To train, start the app or run <code>npx cnn-studio serve</code>.
          </>
        )}
      </footer>
    </div>
  )
}

/** The shape picture of a built-in template (computed here: templates ship with the page). */
function sketchOf(name: string) {
  const template = getTemplate(name)
  return template ? <ShapeSketch document={template.document} /> : null
}

function TemplateCard(props: { template: TemplateSummary; selected: boolean; onSelect: () => void }) {
  const t = props.template
  return (
    <button
      type="button"
      className="card"
      aria-pressed={props.selected}
      title={`${formatCount(t.trainable)} trainable, ${formatCount(t.nonTrainable)} non-trainable parameters`}
      onClick={props.onSelect}
    >
      <span className="card-title">{t.title}</span>
      <span className="card-description">{t.description}</span>
      {sketchOf(t.name)}
      <span className="card-totals">{formatTotals(t)}</span>
    </button>
  )
}

/** The chosen template's layers, as `inferGraph` sees them: what the editor will open. */
function TemplateDetail({ api, name, onOpen }: { api: Api; name: string; onOpen(doc: GraphDocument): void }) {
  const detail = useLoad(async () => {
    const document = await api.templates.get({ name })
    const analysis = await api.graph.analyse({ document })
    return { document, analysis }
  }, [api, name])

  if (detail.state === 'loading') return <aside className="detail muted">Analysing {name}…</aside>
  if (detail.state === 'error')
    return (
      <aside className="detail" role="alert">
        <p className="error">
          Could not open {name}: {detail.message}
        </p>
      </aside>
    )
  return <LayerTable {...detail.value} onOpen={() => onOpen(detail.value.document)} />
}

function LayerTable({
  document,
  analysis,
  onOpen,
}: {
  document: GraphDocument
  analysis: GraphAnalysis
  onOpen(): void
}) {
  const names = new Map(document.nodes.map((n) => [n.id, n.name ?? n.id]))
  const { totals } = analysis
  return (
    <aside className="detail" aria-label={`${document.name}: layers`}>
      <div className="gallery-head">
        <h2>{document.name}</h2>
        <button type="button" className="primary" onClick={onOpen}>
          Open in editor
        </button>
      </div>
      {document.description && <p className="muted">{document.description}</p>}
      <p>
        {analysis.order.length} nodes · {formatTotals(totals)} · {formatBytes(totals.activationBytes)} of
        activations per sample
      </p>
      {analysis.errors.length > 0 && (
        <p role="alert" className="error">
          {analysis.errors.length} node{analysis.errors.length > 1 ? 's have' : ' has'} an error.
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">Layer</th>
            <th scope="col">Kind</th>
            <th scope="col">Output</th>
            <th scope="col" className="num">
              Params
            </th>
            <th scope="col" className="num">
              MACs
            </th>
          </tr>
        </thead>
        <tbody>
          {analysis.order.map((id) => {
            const n = analysis.nodes[id]
            return (
              <tr key={id} className={n.status === 'ok' ? undefined : `status-${n.status}`}>
                <td>{names.get(id)}</td>
                <td>
                  {n.kind}
                  {n.summary ? <span className="muted"> {n.summary}</span> : null}
                </td>
                <td>
                  {n.status === 'ok' && n.outputShape
                    ? formatShape(n.outputShape)
                    : (n.error?.message ?? '?')}
                </td>
                <td className="num">
                  {n.params ? formatCount(n.params.trainable + n.params.nonTrainable) : ''}
                </td>
                <td className="num">{n.macs !== null ? formatCount(n.macs) : ''}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </aside>
  )
}
