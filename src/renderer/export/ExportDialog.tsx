import { Modal } from '../modal/Modal'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { Api } from '../../shared/api/contract'
import {
  EXPORT_FORMATS,
  INPUT_LAYOUTS,
  ONNX_OPSET,
  ONNX_OPSETS,
  type ExportFormat,
  type ExportReport,
  type InputLayout,
} from '../../shared/api/export'
import type { RunSummary } from '../../shared/api/training'
import { errorMessage } from '../error-message'
import type { SaveStatus } from '../projects/use-autosave'
import { useDocument } from '../store/document-store'
import { defaultSource, FORMAT_LABELS, runsWithWeights, UNTRAINED } from './export-format'
import { ExportReportView } from './ExportReportView'
import { SourceList } from './SourceList'
import './export.css'

const OPSETS = Array.from({ length: ONNX_OPSETS.max - ONNX_OPSETS.min + 1 }, (_, i) => ONNX_OPSETS.max - i)

const LAYOUT_LABELS: Record<InputLayout, string> = {
  NCHW: 'NCHW (channels first)',
  NHWC: 'NHWC (channels last)',
}

/** The project's runs as the dialog lists them; `null` while they are read. */
interface Sources {
  runs: RunSummary[]
  latestVersionId: number | null
  /** Why the runs could not be listed (only untrained weights can be exported then). */
  error: string | null
}

/**
 * "Export model": a modal dialog over the editor that exports the open project as ONNX, TF.js or
 * PyTorch files with `export.model`, which checks the export against TF.js before writing it (a
 * PyTorch folder when the services' machine has python with torch), and shows that verification
 * report. The weights come from a run that saved some, or are freshly
 * initialised (untrained). The path is on the machine running the services; the desktop app can
 * pick it in a native dialog. In browser mode (`download` given) there is no path: the services
 * keep the verified export for one download (`export.download`) and the browser saves it.
 */
export function ExportDialog({
  api,
  projectId,
  save,
  onClose,
  download,
}: {
  api: Api
  /** The open project; null when nothing stores projects (the page alone cannot export). */
  projectId: string | null
  /** Saves pending edits (the editor's autosave flush), so the services see what the canvas shows. */
  save: () => Promise<SaveStatus>
  onClose(): void
  /** Browser mode: has the browser save a kept export (api/http.ts's saveDownload); absent: write to a path. */
  download?: (file: { id: string; name: string }) => void
}) {
  const [sources, setSources] = useState<Sources | null>(null)
  const [saveProblem, setSaveProblem] = useState<string | null>(null)
  const [source, setSource] = useState<string>(UNTRAINED)
  const [format, setFormat] = useState<ExportFormat>('onnx')
  const [layout, setLayout] = useState<InputLayout>('NCHW')
  const [opset, setOpset] = useState(ONNX_OPSET)
  const [path, setPath] = useState('')
  const [native, setNative] = useState(false)
  /** The path the native save dialog already asked about replacing (ONNX, desktop app). */
  const [nativeConfirmed, setNativeConfirmed] = useState<string | null>(null)
  /** The files an export would replace, while the dialog asks whether to. */
  const [confirm, setConfirm] = useState<string[] | null>(null)
  const suggested = useRef('')
  const [busy, setBusy] = useState(false)
  const [report, setReport] = useState<ExportReport | null>(null)
  const [error, setError] = useState<string | null>(null)

  // Save first (the project and its latest version must be stored), then list the runs.
  useEffect(() => {
    if (!projectId) return
    let current = true
    void (async () => {
      const saved = await save()
      if (!current) return
      if (saved.state === 'failed') setSaveProblem(saved.message)
      const [runs, versions] = await Promise.allSettled([
        api.runs.list({ id: projectId }),
        api.projects.versions({ id: projectId }),
      ])
      if (!current) return
      const withWeights = runs.status === 'fulfilled' ? runsWithWeights(runs.value) : []
      setSources({
        runs: withWeights,
        latestVersionId: versions.status === 'fulfilled' ? (versions.value[0]?.id ?? null) : null,
        error: runs.status === 'rejected' ? errorMessage(runs.reason) : null,
      })
      setSource(defaultSource(withWeights))
    })()
    return () => {
      current = false
    }
  }, [api, projectId, save])

  // A path that does not exist yet, for this format; kept once the user typed or chose one.
  useEffect(() => {
    if (!projectId || download) return
    let current = true
    const projectName = useDocument.getState().doc.name
    api.export.suggestPath({ projectName, format }).then(
      (s) => {
        if (!current) return
        const previous = suggested.current
        suggested.current = s.path
        setPath((p) => (p === '' || p === previous ? s.path : p))
        setNative(s.native)
      },
      () => {},
    )
    return () => {
      current = false
    }
  }, [api, projectId, format, download])

  const choose = async () => {
    setError(null)
    try {
      const picked = await api.export.choosePath({ suggested: path, format })
      if (picked.path) {
        setPath(picked.path)
        setConfirm(null)
        setNativeConfirmed(picked.overwriteConfirmed && format === 'onnx' ? picked.path : null)
      }
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  /** Exports; `overwrite` once the user confirmed replacing what is there. */
  const start = async (e?: FormEvent, overwrite = false) => {
    e?.preventDefault()
    if (!projectId || busy || !sources || (!download && !path.trim())) return
    const target = path.trim()
    setBusy(true)
    setError(null)
    setReport(null)
    setConfirm(null)
    try {
      // Ask before replacing anything, unless the native save dialog already asked for this file.
      const confirmed = overwrite || (format === 'onnx' && target === nativeConfirmed)
      if (!confirmed && !download) {
        const { replaces } = await api.export.checkTarget({ path: target, format })
        if (replaces.length) return setConfirm(replaces)
      }
      if (source === UNTRAINED) {
        // Untrained exports the latest saved version: it must be what the canvas shows.
        const saved = await save()
        if (saved.state === 'failed')
          throw new Error(
            `The project could not be saved, so the export would not include your changes: ${saved.message}`,
          )
      }
      const what = {
        source: source === UNTRAINED ? { projectId } : { runId: source },
        format,
        ...(format === 'onnx' ? { layout, opset } : {}),
      }
      if (download) {
        const kept = await api.export.download(what)
        download(kept)
        setReport(kept.report)
      } else setReport(await api.export.model({ ...what, path: target, overwrite: confirmed }))
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const close = () => !busy && onClose()
  const chosenRun = sources?.runs.find((r) => r.id === source)
  const staleRun =
    chosenRun && sources?.latestVersionId !== null && chosenRun.versionId !== sources?.latestVersionId
  return (
    <Modal className="export-dialog" labelledBy="export-title" testId="export-dialog" onClose={close}>
      <header className="modal-head">
        <h2 id="export-title">Export model</h2>
        <button type="button" aria-label="Close" data-testid="export-close" disabled={busy} onClick={close}>
          ✕
        </button>
      </header>
      {!projectId ? (
        <p className="warning" data-testid="export-unavailable">
          Exporting needs the desktop app or <code>npx cnn-studio serve</code>: they keep projects and write
          the files. Open this network there to export it.
        </p>
      ) : (
        <form onSubmit={(e) => void start(e)} aria-busy={busy}>
          <fieldset className="export-group" disabled={busy}>
            <legend>Weights</legend>
            {saveProblem && (
              <p className="warning" data-testid="export-save-problem">
                Your latest changes are not saved yet ({saveProblem}).
              </p>
            )}
            {!sources ? (
              <p className="muted">Reading the project's runs…</p>
            ) : (
              <>
                {sources.error && (
                  <p className="error" data-testid="export-runs-error">
                    Could not list the runs: {sources.error}
                  </p>
                )}
                <SourceList
                  runs={sources.runs}
                  latestVersionId={sources.latestVersionId}
                  value={source}
                  onChange={setSource}
                />
                {source === UNTRAINED && (
                  <p className="warning" data-testid="export-untrained">
                    {sources.runs.length === 0 ? 'No run of this project saved weights yet: ' : ''}
                    the exported model is untrained. Its weights are random, so its predictions mean nothing;
                    train it first to export a useful model.
                  </p>
                )}
                {staleRun && (
                  <p className="muted" data-testid="export-stale">
                    This run trained an earlier version of the graph: the export is the graph the run trained,
                    not what the canvas shows now.
                  </p>
                )}
              </>
            )}
          </fieldset>
          <fieldset className="export-group" disabled={busy}>
            <legend>Format</legend>
            <div className="export-formats">
              {EXPORT_FORMATS.map((f) => (
                <label key={f}>
                  <input
                    type="radio"
                    name="export-format"
                    data-testid={`export-format-${f}`}
                    checked={format === f}
                    onChange={() => (setFormat(f), setConfirm(null))}
                  />
                  {FORMAT_LABELS[f]}
                </label>
              ))}
            </div>
            {format === 'pytorch' && (
              <p className="muted format-note" data-testid="export-pytorch-note">
                A folder: <code>model.py</code> (the network as an <code>nn.Module</code>),{' '}
                <code>weights.safetensors</code>, <code>train.py</code>, <code>config.json</code> and a
                README. Checked in PyTorch when the machine running CNN Studio's services has python with
                torch; written unverified, saying so, when it has not.
              </p>
            )}
            {format === 'onnx' && (
              <div className="export-options">
                <label>
                  Input layout
                  <select
                    data-testid="export-layout"
                    value={layout}
                    onChange={(e) => setLayout(e.target.value as InputLayout)}
                  >
                    {INPUT_LAYOUTS.map((l) => (
                      <option key={l} value={l}>
                        {LAYOUT_LABELS[l]}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  Opset
                  <select
                    data-testid="export-opset"
                    value={opset}
                    onChange={(e) => setOpset(Number(e.target.value))}
                  >
                    {OPSETS.map((o) => (
                      <option key={o} value={o}>
                        {o}
                        {o === ONNX_OPSET ? ' (default)' : ''}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
            )}
          </fieldset>
          {download ? (
            <fieldset className="export-group" disabled={busy}>
              <legend>Download</legend>
              <p className="muted hint" data-testid="export-download-note">
                {format === 'onnx'
                  ? 'Your browser saves the .onnx file once it is verified.'
                  : `Your browser saves the verified folder as one .tar archive (${format === 'tfjs' ? 'model.json and weights.bin' : 'model.py, weights.safetensors, train.py…'}); extract it with tar -xf or your file manager.`}
              </p>
            </fieldset>
          ) : (
            <fieldset className="export-group" disabled={busy}>
              <legend>{format === 'onnx' ? 'Save as' : 'Save into the folder'}</legend>
              <div className="export-path">
                <input
                  type="text"
                  aria-label={format === 'onnx' ? 'File to write' : 'Folder to write'}
                  data-testid="export-path"
                  spellCheck={false}
                  value={path}
                  onChange={(e) => (setPath(e.target.value), setConfirm(null))}
                />
                {native && (
                  <button type="button" data-testid="export-choose" onClick={() => void choose()}>
                    Choose…
                  </button>
                )}
              </div>
              {!native && (
                <p className="muted hint">
                  A path on the machine running CNN Studio's services. You are asked before an existing file
                  is replaced.
                </p>
              )}
            </fieldset>
          )}
          {confirm ? (
            <ReplaceConfirmation
              files={confirm}
              onReplace={() => void start(undefined, true)}
              onKeep={() => setConfirm(null)}
            />
          ) : (
            <div className="export-actions">
              <button
                type="submit"
                className="primary"
                data-testid="export-start"
                disabled={busy || !sources || (!download && !path.trim())}
              >
                {busy ? 'Exporting…' : download ? 'Download' : 'Export'}
              </button>
              {busy && (
                <span className="muted" role="status" data-testid="export-busy">
                  Building the model and checking it against TF.js{' '}
                  {format === 'onnx'
                    ? 'in onnxruntime'
                    : format === 'tfjs'
                      ? 'by reloading it'
                      : 'in PyTorch'}
                  …
                </span>
              )}
              <button type="button" className="close" disabled={busy} onClick={close}>
                {report ? 'Done' : 'Cancel'}
              </button>
            </div>
          )}
          {error && (
            <p className="error export-error" role="alert" data-testid="export-error">
              {error}
            </p>
          )}
          {report && <ExportReportView report={report} />}
        </form>
      )}
    </Modal>
  )
}

/** Asks before an export replaces existing files; the safe answer has the focus. */
function ReplaceConfirmation({
  files,
  onReplace,
  onKeep,
}: {
  files: string[]
  onReplace(): void
  onKeep(): void
}) {
  const one = files.length === 1
  // Several files of one folder (TF.js, PyTorch): the folder once, then their names.
  const cut = Math.max(files[0].lastIndexOf('/'), files[0].lastIndexOf('\\')) + 1
  const folder = files[0].slice(0, cut)
  const grouped = !one && cut > 0 && files.every((f) => f.slice(0, cut) === folder)
  const names = grouped ? files.map((f) => f.slice(cut)) : files
  return (
    <div
      className="export-confirm"
      role="alertdialog"
      aria-labelledby="export-confirm-text"
      data-testid="export-confirm"
    >
      <p id="export-confirm-text" className="warning">
        {grouped && (
          <>
            In <code>{folder}</code>,{' '}
          </>
        )}
        {names.map((f, i) => (
          <span key={f}>
            {i > 0 && (i === names.length - 1 ? ' and ' : ', ')}
            <code>{f}</code>
          </span>
        ))}{' '}
        already exist{one ? 's' : ''}. Replace {one ? 'it' : 'them'} with this export?
      </p>
      <div className="export-actions">
        <button type="button" className="primary" data-testid="export-replace" onClick={onReplace}>
          Replace
        </button>
        <button type="button" data-testid="export-keep" autoFocus onClick={onKeep}>
          Keep {one ? 'it' : 'them'}
        </button>
      </div>
    </div>
  )
}
