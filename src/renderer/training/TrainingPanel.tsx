import { useEffect, useMemo, useState } from 'react'
import type { Api } from '../../shared/api/contract'
import {
  BACKEND_NAMES,
  hyperparametersSchema,
  OPTIMIZERS,
  SCHEDULES,
  type BackendReport,
  type DatasetInfo,
  type DatasetPreview as Preview,
  type DatasetRef,
  type RunSummary,
} from '../../shared/api/training'
import { formatIssues } from '../../shared/graph/document'
import { datasetMismatch } from '../../shared/training/dataset-mismatch'
import { useDocument } from '../store/document-store'
import { DatasetPreview } from './DatasetPreview'
import { RunCharts } from './RunCharts'
import { useTraining } from './use-training'
import './training.css'

/** Form fields as typed (strings), parsed with the contract's schema on every change. */
const DEFAULTS = hyperparametersSchema.parse({})
type Form = Record<string, string | boolean>
const initialForm: Form = Object.fromEntries(
  Object.entries(DEFAULTS).map(([k, v]) => [k, typeof v === 'boolean' ? v : String(v)]),
)
const NUMBER_FIELDS: [string, string][] = [
  ['epochs', 'Epochs'],
  ['batchSize', 'Batch size'],
  ['learningRate', 'Learning rate'],
  ['weightDecay', 'Weight decay'],
  ['warmupEpochs', 'Warm-up epochs'],
  ['validationSplit', 'Validation split'],
  ['patience', 'Early-stopping patience (0: off)'],
  ['cropPadding', 'Random crop padding'],
  ['seed', 'Seed'],
  ['microBatch', 'Micro-batch (0: whole batch)'],
  ['limit', 'Use N training images (0: all)'],
]

const percent = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${(100 * v).toFixed(2)}%`
const clock = (s: number) =>
  Number.isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}` : '–'

/** The graph's Input size and Output classes, read from the open document. */
function useGraphIo() {
  const nodes = useDocument((s) => s.doc.nodes)
  return useMemo(() => {
    const input = nodes.find((n) => n.kind === 'Input')?.params as {
      height?: number
      width?: number
      channels?: number
    }
    const output = nodes.find((n) => n.kind === 'Output')?.params as { classes?: number }
    if (!input || !output) return null
    return {
      input: { height: input.height ?? 28, width: input.width ?? 28, channels: input.channels ?? 1 },
      classes: output.classes ?? 10,
    }
  }, [nodes])
}

/**
 * Training in the editor: the dataset (with samples and class counts), the hyperparameters,
 * start / pause / resume / stop, live progress and curves, and the project's runs.
 */
export function TrainingPanel({
  api,
  projectId,
  save,
}: {
  api: Api
  projectId: string | null
  save: () => Promise<void>
}) {
  const { runs, shown, progress, error, setError, show, refresh } = useTraining(api, projectId)
  const [datasets, setDatasets] = useState<DatasetInfo[]>([])
  const [datasetId, setDatasetId] = useState('fashion-mnist')
  const [folder, setFolder] = useState('')
  const [preview, setPreview] = useState<Preview | null>(null)
  const [backends, setBackends] = useState<BackendReport | null>(null)
  const [backend, setBackend] = useState('')
  const [form, setForm] = useState<Form>(initialForm)
  const [busy, setBusy] = useState(false)
  const io = useGraphIo()

  const ref = useMemo<DatasetRef | null>(
    () =>
      datasetId === 'folder'
        ? folder.trim()
          ? { folder: folder.trim() }
          : null
        : { builtin: datasetId as never },
    [datasetId, folder],
  )

  useEffect(() => {
    api.datasets.list().then(setDatasets, (e: Error) => setError(e.message))
    api.training.backends().then(setBackends, () => setBackends(null))
  }, [api, setError])

  useEffect(() => {
    setPreview(null)
    if (!ref) return
    let live = true
    api.datasets.preview({ dataset: ref, perClass: 4 }).then(
      (p) => live && setPreview(p),
      (e: Error) => live && setError(e.message),
    )
    return () => {
      live = false
    }
  }, [api, ref, setError])

  const parsed = useMemo(() => {
    const raw = Object.fromEntries(
      Object.entries(form).map(([k, v]) => [
        k,
        typeof v === 'boolean' || k === 'optimizer' || k === 'schedule' || k === 'normalize' ? v : Number(v),
      ]),
    )
    return hyperparametersSchema.safeParse(raw)
  }, [form])

  const mismatch =
    io && preview
      ? datasetMismatch(io, {
          name: preview.name,
          image: preview.image,
          classes: preview.classes.length,
          resizable: datasetId === 'folder',
        })
      : []

  const active = runs.find((r) => r.status === 'running' || r.status === 'paused' || r.status === 'queued')
  const set = (key: string) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }))

  async function act(f: () => Promise<RunSummary>) {
    setBusy(true)
    setError(null)
    try {
      const run = await f()
      await show(run.id)
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }

  const start = () =>
    act(async () => {
      await save()
      return api.training.start({
        projectId: projectId!,
        dataset: ref!,
        hyperparameters: parsed.data!,
        ...(backend ? { backend: backend as (typeof BACKEND_NAMES)[number] } : {}),
      })
    })

  const download = (id: string) =>
    act(async () => {
      await api.datasets.download({ id: id as never })
      setDatasets(await api.datasets.list())
      return runs[0]
    })

  const chosen = datasets.find((d) => d.id === datasetId)
  const o = form.optimizer
  return (
    <aside className="training-panel" aria-label="Training">
      <h2>Train</h2>
      {!projectId && (
        <p className="warning">Training needs a saved project: open one from the start screen.</p>
      )}
      <section>
        <label>
          Dataset{' '}
          <select
            value={datasetId}
            onChange={(e) => setDatasetId(e.target.value)}
            data-testid="train-dataset"
          >
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
                {d.location ? '' : ' (not on this machine)'}
              </option>
            ))}
            <option value="folder">Image folder…</option>
          </select>
        </label>
        {datasetId === 'folder' && (
          <input
            placeholder="/path/to/folder with one sub-folder per class"
            value={folder}
            onChange={(e) => setFolder(e.target.value)}
            aria-label="Image folder"
          />
        )}
        {chosen && !chosen.location && chosen.downloadable && (
          <button type="button" onClick={() => download(chosen.id)} disabled={busy}>
            Download {chosen.name}
          </button>
        )}
        {mismatch.map((m) => (
          <p key={m} className="warning" data-testid="dataset-mismatch">
            {m}
          </p>
        ))}
      </section>

      <div className="train-actions">
        <button
          type="button"
          data-testid="train-start"
          disabled={
            busy || !projectId || !ref || !parsed.success || mismatch.length > 0 || active !== undefined
          }
          onClick={start}
        >
          Start training
        </button>
        {active?.status === 'running' && (
          <button
            type="button"
            data-testid="train-pause"
            onClick={() => act(() => api.training.pause({ runId: active.id }))}
          >
            Pause
          </button>
        )}
        {active?.status === 'paused' && (
          <button
            type="button"
            data-testid="train-resume"
            onClick={() => act(() => api.training.resume({ runId: active.id }))}
          >
            Resume
          </button>
        )}
        {active && (
          <button
            type="button"
            data-testid="train-stop"
            onClick={() => act(() => api.training.stop({ runId: active.id }))}
          >
            Stop
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert" data-testid="train-error">
          {error}
        </p>
      )}

      {progress && (
        <div className="train-progress" data-testid="train-progress">
          <progress max={progress.batches} value={progress.batch} />
          <span>
            epoch {progress.epoch} · batch {progress.batch}/{progress.batches} ·{' '}
            {Math.round(progress.samplesPerSecond).toLocaleString()} samples/s · ETA{' '}
            {clock(progress.etaSeconds)} · loss {progress.loss.toFixed(4)}
          </span>
        </div>
      )}

      {shown && (
        <section data-testid="run-shown">
          <h3>
            Run {shown.id.slice(0, 8)} · {shown.status}
            {shown.backend && (
              <span className="muted">
                {' '}
                · {shown.backend} ({shown.device})
              </span>
            )}
          </h3>
          {shown.message && <p className="muted">{shown.message}</p>}
          {shown.testAccuracy !== null && (
            <p data-testid="run-test">
              Test accuracy {percent(shown.testAccuracy)} · test loss {shown.testLoss?.toFixed(4)}
            </p>
          )}
          <RunCharts
            run={shown}
            batchesPerEpoch={progress?.runId === shown.id ? progress.batches : undefined}
          />
        </section>
      )}

      {preview && (
        <details open>
          <summary>Samples and class counts</summary>
          <DatasetPreview preview={preview} />
        </details>
      )}
      <details className="hyper" open>
        <summary>Hyperparameters</summary>
        <label>
          Optimizer{' '}
          <select value={String(o)} onChange={set('optimizer')} aria-label="Optimizer">
            {OPTIMIZERS.map((x) => (
              <option key={x}>{x}</option>
            ))}
          </select>
        </label>
        <label>
          Schedule{' '}
          <select value={String(form.schedule)} onChange={set('schedule')} aria-label="Schedule">
            {SCHEDULES.map((x) => (
              <option key={x}>{x}</option>
            ))}
          </select>
        </label>
        {NUMBER_FIELDS.map(([key, label]) => (
          <label key={key}>
            {label}{' '}
            <input value={String(form[key])} onChange={set(key)} aria-label={label} inputMode="decimal" />
          </label>
        ))}
        {(o === 'sgd' || o === 'rmsprop') && (
          <label>
            Momentum <input value={String(form.momentum)} onChange={set('momentum')} aria-label="Momentum" />
          </label>
        )}
        {o === 'sgd' && (
          <label>
            <input
              type="checkbox"
              checked={form.nesterov === true}
              onChange={(e) => setForm((f) => ({ ...f, nesterov: e.target.checked }))}
            />{' '}
            Nesterov
          </label>
        )}
        {(form.schedule === 'step' || form.schedule === 'exponential') && (
          <label>
            Gamma <input value={String(form.gamma)} onChange={set('gamma')} aria-label="Gamma" />
          </label>
        )}
        {form.schedule === 'step' && (
          <label>
            Step every (epochs){' '}
            <input value={String(form.stepEpochs)} onChange={set('stepEpochs')} aria-label="Step epochs" />
          </label>
        )}
        <label>
          <input
            type="checkbox"
            checked={form.flip === true}
            onChange={(e) => setForm((f) => ({ ...f, flip: e.target.checked }))}
          />{' '}
          Random horizontal flip
        </label>
        <label>
          Normalise{' '}
          <select value={String(form.normalize)} onChange={set('normalize')} aria-label="Normalise">
            <option value="unit">pixels / 255</option>
            <option value="standardize">per-channel mean and std</option>
          </select>
        </label>
        <label>
          Backend{' '}
          <select value={backend} onChange={(e) => setBackend(e.target.value)} aria-label="Backend">
            <option value="">fastest ({backends ? `${backends.chosen}: ${backends.device}` : '…'})</option>
            {BACKEND_NAMES.map((b) => (
              <option
                key={b}
                value={b}
                disabled={backends?.attempts.some((a) => a.name === b && !a.ok) ?? false}
              >
                {b}
              </option>
            ))}
          </select>
        </label>
        {backends?.attempts
          .filter((a) => !a.ok)
          .map((a) => (
            <p key={a.name} className="muted small">
              {a.name}: {a.reason}
            </p>
          ))}
        {!parsed.success && (
          <p className="warning" data-testid="train-invalid">
            {formatIssues(parsed.error)}
          </p>
        )}
      </details>
      <section>
        <h3>Runs</h3>
        {runs.length === 0 && <p className="muted">No runs yet.</p>}
        <table className="runs">
          <tbody>
            {runs.map((r) => (
              <tr
                key={r.id}
                data-testid="run-row"
                onClick={() => void show(r.id)}
                className={shown?.id === r.id ? 'selected' : ''}
              >
                <td>
                  <span className={`badge ${r.status}`}>{r.status}</span>
                </td>
                <td>{r.dataset?.name}</td>
                <td>
                  {r.hyperparameters.optimizer} {r.hyperparameters.learningRate} · {r.epochsDone}/
                  {r.hyperparameters.epochs}
                </td>
                <td title="best validation accuracy">{percent(r.bestValAccuracy)}</td>
                <td title="test accuracy">{percent(r.testAccuracy)}</td>
                <td>{clock(r.elapsedMs / 1000)}</td>
                <td>
                  {(r.status === 'interrupted' || r.status === 'stopped') && (
                    <button
                      type="button"
                      onClick={(e) => (
                        e.stopPropagation(),
                        void act(() => api.training.resume({ runId: r.id }))
                      )}
                    >
                      Resume
                    </button>
                  )}
                  {!['running', 'paused', 'queued'].includes(r.status) && (
                    <button
                      type="button"
                      aria-label="Delete run"
                      onClick={(e) => {
                        e.stopPropagation()
                        void api.runs.delete({ runId: r.id }).then(
                          () => refresh(),
                          (err: Error) => setError(err.message),
                        )
                      }}
                    >
                      ✕
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </aside>
  )
}
