import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { Api } from '../../shared/api/contract'
import type { BackendChoice, DatasetPreview as Preview, EngineChoice } from '../../shared/api/training'
import { graphIo } from '../../shared/graph/io'
import { errorMessage } from '../error-message'
import { useDocument } from '../store/document-store'
import { useUi } from '../store/ui-store'
import { BackendChooser } from './BackendChooser'
import { DatasetChooser } from './DatasetChooser'
import { EngineChooser } from './EngineChooser'
import { datasetId } from '../../shared/training/dataset-id'
import { mismatchOf, shapeOf, type DatasetChoice } from './dataset-fit'
import { DatasetPreview } from './DatasetPreview'
import { HyperparameterForm } from './HyperparameterForm'
import { labelOf, readHyperparameters, valuesOf, type HyperparameterKey } from './hyperparameters'
import { MismatchWarning } from './MismatchWarning'
import { shortHyperparameter } from './hyperparameter-format'
import { isLive } from './run-view'
import { RunDetails, type EvaluationDialogSlot } from './RunDetails'
import { RunList } from './RunList'
import { useRuns } from './use-runs'
import './training.css'

type PreviewState = { key: string; preview?: Preview; error?: string }

/**
 * Training in the editor: the run on display (live progress and curves), a new run's dataset
 * (samples, class counts, whether it fits the graph), hyperparameters and engine (TF.js and its
 * backend, or PyTorch with its device and processes), and the
 * project's runs. Starting saves the project first, so the run trains what the canvas shows.
 */
export function TrainingPanel({
  api,
  projectId,
  save,
  onClose,
  hidden = false,
  compare,
  evaluationDialog,
}: {
  api: Api
  /** The open project; null when nothing stores projects (the page alone cannot train). */
  projectId: string | null
  /** Saves pending edits; rejects when the project could not be saved. */
  save: () => Promise<void>
  onClose?: () => void
  /** Closed but kept: the form and the live run stay as they were for when it opens again. */
  hidden?: boolean
  /** The comparison of runs, composed by the Workspace (training/ does not import compare/). */
  compare?(props: { runIds: string[]; onClose(): void }): ReactNode
  /** The run's evaluation dialog (Workspace composes it in). */
  evaluationDialog?: EvaluationDialogSlot
}) {
  const nodes = useDocument((s) => s.doc.nodes)
  const io = useMemo(() => graphIo(nodes), [nodes])
  const [dataset, setDataset] = useState<DatasetChoice | null>(null)
  const [preview, setPreview] = useState<PreviewState | null>(null)
  const [values, setValues] = useState(valuesOf)
  const [backend, setBackend] = useState<BackendChoice | 'auto'>('auto')
  const [engine, setEngine] = useState<EngineChoice>({ name: 'tfjs' })
  const [starting, setStarting] = useState(false)
  const [startError, setStartError] = useState<string | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const [comparing, setComparing] = useState<string[] | null>(null)
  /** The run started here last: live until the list says otherwise (it is listed a moment later). */
  const [started, setStarted] = useState<string | null>(null)
  /** The settings opened while the shown run is live ("Edit settings"). */
  const [editing, setEditing] = useState(false)
  const runView = useRef<HTMLDivElement>(null)
  const { runs, error: runsError, refresh } = useRuns(api, projectId)
  const read = useMemo(() => readHyperparameters(values), [values])

  // The chosen dataset's classes, counts and samples.
  const datasetKey = dataset ? datasetId(dataset.ref) : null
  useEffect(() => {
    if (!dataset || !datasetKey) return setPreview(null)
    let current = true
    setPreview({ key: datasetKey })
    api.datasets.preview({ dataset: dataset.ref, perClass: 4 }).then(
      (p) => current && setPreview({ key: datasetKey, preview: p }),
      (e: unknown) => current && setPreview({ key: datasetKey, error: errorMessage(e) }),
    )
    return () => {
      current = false
    }
  }, [api, datasetKey])

  // On opening, show the run under way, else the latest one.
  const opened = useRef(false)
  useEffect(() => {
    if (opened.current || !runs) return
    opened.current = true
    setSelected((s) => s ?? (runs.find((r) => isLive(r.status)) ?? runs[0])?.id ?? null)
  }, [runs])

  const shownPreview = preview?.key === datasetKey ? preview : null
  const shape = shownPreview?.preview
    ? {
        name: shownPreview.preview.name,
        image: shownPreview.preview.image,
        classes: shownPreview.preview.classes.length,
        resizable: dataset !== null && 'folder' in dataset.ref,
      }
    : dataset?.info
      ? shapeOf(dataset.info)
      : null
  const problems = shape ? mismatchOf(io, shape) : []
  // The editor's fixes offer the chosen dataset's class count (a Dense's units before Output).
  const datasetClasses = shape?.classes ?? null
  useEffect(() => useUi.getState().setDatasetClasses(datasetClasses), [datasetClasses])
  useEffect(() => () => useUi.getState().setDatasetClasses(null), [])

  const start = async () => {
    if (!projectId || !dataset || !read.ok) return
    setStarting(true)
    setStartError(null)
    try {
      // The run trains the latest saved version: save what the canvas shows first.
      await save()
      const run = await api.training.start({
        projectId,
        dataset: dataset.ref,
        hyperparameters: read.hyperparameters,
        // The backend is TF.js's; PyTorch trains on its device.
        ...(engine.name === 'pytorch' ? { engine } : backend === 'auto' ? {} : { backend }),
      })
      setSelected(run.id)
      setStarted(run.id)
      setEditing(false)
      void refresh()
    } catch (e) {
      setStartError(errorMessage(e))
    } finally {
      setStarting(false)
    }
  }

  const invalid = Object.keys(read.errors) as HyperparameterKey[]
  const selectedRun = runs?.find((r) => r.id === selected)
  const live = selectedRun ? isLive(selectedRun.status) : selected !== null && selected === started
  // While the shown run trains, its progress and curves are what matters: the long form folds to a
  // line so that they are in view.
  const folded = live && !editing

  // Bring the new run's progress into view: Start is at the foot of the form.
  useEffect(() => {
    if (started) runView.current?.scrollIntoView?.({ block: 'start' })
  }, [started])

  return (
    <aside className="training-panel" aria-label="Training" data-testid="training-panel" hidden={hidden}>
      <header className="training-head">
        <h2>Training</h2>
        {onClose && (
          <button type="button" data-testid="train-close" aria-label="Close training" onClick={onClose}>
            ✕
          </button>
        )}
      </header>
      {!projectId ? (
        <p className="warning" data-testid="train-unavailable">
          Training needs the desktop app or <code>npx cnn-studio serve</code>: they keep projects and run
          training. Open this network there to train it.
        </p>
      ) : (
        <>
          <div ref={runView} className="run-view">
            {selected && (
              <RunDetails
                key={selected}
                api={api}
                runId={selected}
                onReuse={(h) => setValues(valuesOf(h))}
                evaluationDialog={evaluationDialog}
                // The canvas needs the room to show the run's insides.
                onLookInside={onClose}
              />
            )}
          </div>
          <section className="new-run" aria-label="New run">
            <h3>
              New run
              {live && (
                <button
                  type="button"
                  className="link"
                  data-testid="new-run-toggle"
                  aria-expanded={!folded}
                  onClick={() => setEditing(folded)}
                >
                  {folded ? 'Edit settings' : 'Hide settings'}
                </button>
              )}
            </h3>
            {folded && (
              <p className="muted new-run-summary" data-testid="new-run-summary">
                {[
                  dataset?.info?.name ?? (dataset ? 'dataset' : 'no dataset chosen'),
                  ...(read.ok
                    ? (['epochs', 'optimizer', 'learningRate', 'batchSize'] as const).map((k) =>
                        shortHyperparameter(k, read.hyperparameters),
                      )
                    : []),
                ].join(' · ')}{' '}
                (folded while the run trains)
              </p>
            )}
            {/* Kept mounted while folded: the choices and what they loaded stay as they were. */}
            <div className="new-run-form" data-testid="new-run-form" hidden={folded}>
              <details open>
                <summary>Dataset</summary>
                <DatasetChooser api={api} io={io} value={dataset} onChange={setDataset} />
                <MismatchWarning problems={problems} />
                {shownPreview?.error && (
                  <p className="error" role="alert" data-testid="dataset-preview-error">
                    {shownPreview.error}
                  </p>
                )}
                {dataset && shownPreview && !shownPreview.preview && !shownPreview.error && (
                  <p className="muted">Reading the dataset…</p>
                )}
                {shownPreview?.preview && <DatasetPreview preview={shownPreview.preview} />}
              </details>
              <details open>
                <summary>Hyperparameters</summary>
                <HyperparameterForm values={values} errors={read.errors} onChange={setValues} />
                <EngineChooser api={api} value={engine} onChange={setEngine} />
                {engine.name === 'tfjs' && <BackendChooser api={api} value={backend} onChange={setBackend} />}
              </details>
              <div className="train-actions">
                <button
                  type="button"
                  className="primary"
                  data-testid="train-start"
                  disabled={starting || !dataset || !read.ok}
                  onClick={() => void start()}
                >
                  {starting ? 'Starting…' : 'Start training'}
                </button>
                {!dataset && <span className="muted">Choose a dataset first.</span>}
              </div>
              {invalid.length > 0 && (
                <p className="error" data-testid="train-invalid">
                  Fix {invalid.length === 1 ? 'this setting' : 'these settings'} to start:{' '}
                  {invalid.map(labelOf).join(', ')}.
                </p>
              )}
              {startError && (
                <p className="error start-error" role="alert" data-testid="train-error">
                  {startError}
                </p>
              )}
            </div>
          </section>
          <section className="runs-section" aria-label="Runs">
            <h3>Runs</h3>
            {runsError && (
              <p className="error" role="alert" data-testid="runs-error">
                Could not list the runs: {runsError}
              </p>
            )}
            {runs && (
              <RunList
                api={api}
                runs={runs}
                selected={selected}
                onOpen={setSelected}
                onCompare={compare ? setComparing : undefined}
                onDeleted={(id) => {
                  if (selected === id) setSelected(null)
                  void refresh()
                }}
              />
            )}
          </section>
          {comparing && compare?.({ runIds: comparing, onClose: () => setComparing(null) })}
        </>
      )}
    </aside>
  )
}
