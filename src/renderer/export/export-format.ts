import {
  ENGINE_NAMES,
  type ExportFormat,
  type ExportReport,
  type TensorInfo,
  type Verification,
} from '../../shared/api/export'
import type { RunSummary } from '../../shared/api/training'

/** The source choice that exports freshly initialised weights (`{ projectId }`). */
export const UNTRAINED = 'untrained'

/** The runs that saved weights (at least one epoch done), newest first. */
export function runsWithWeights(runs: RunSummary[]): RunSummary[] {
  return runs
    .filter((r) => r.epochsDone > 0)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
}

/** The source to preselect: the newest finished run, else the newest with weights, else untrained. */
export function defaultSource(runs: RunSummary[]): string {
  return (runs.find((r) => r.status === 'finished') ?? runs[0])?.id ?? UNTRAINED
}

/** `97.35%`; `100%` and `87.5%` for shares of a few samples; `–` when unknown. */
export function formatShare(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–'
  return `${Number((100 * v).toFixed(2))}%`
}

/** A logit difference as the CLI prints it: `0` or `3.1e-7`. */
export const formatDiff = (n: number): string => (n === 0 ? '0' : n.toExponential(1))

/** `input [N, 1, 28, 28]`. */
export const formatTensor = (t: TensorInfo): string => `${t.name} [${t.shape.join(', ')}]`

/** `run 4f2a…, best epoch 3` or `untrained (seed 1)`. */
export const formatWeights = (w: ExportReport['weights']): string =>
  w.trained ? `run ${w.runId}, best epoch ${w.epoch}` : `untrained (seed ${w.seed})`

/** `Verified with onnxruntime on 8 random inputs`. */
export function verifiedWith(v: Verification): string {
  const what = v.data === 'dataset' ? 'test images' : 'random inputs'
  return `Verified with ${ENGINE_NAMES[v.engine]} on ${v.samples} ${what}`
}

/** The formats as the dialog offers them, and what each writes. */
export const FORMAT_LABELS: Record<ExportFormat, string> = {
  onnx: 'ONNX',
  tfjs: 'TF.js layers (model.json + weights)',
  pytorch: 'PyTorch (model.py + weights)',
}

/** The report's heading: `Exported to PyTorch`. */
export const FORMAT_NAMES: Record<ExportFormat, string> = { onnx: 'ONNX', tfjs: 'TF.js', pytorch: 'PyTorch' }

/** A run's date as the training panel shows it. */
export const formatDate = (iso: string): string => new Date(iso).toLocaleString()
