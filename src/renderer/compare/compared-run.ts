import type { RunDetail } from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import { inferGraph } from '../../shared/graph/infer'

/** Colours of the compared runs, in order: distinct on light and dark backgrounds. */
export const RUN_COLORS = [
  '#2f6fde',
  '#e8590c',
  '#2b8a3e',
  '#ae3ec9',
  '#0c8599',
  '#c92a2a',
  '#856404',
  '#5c7cfa',
]

/** The graph version a run trained, with its project (`runs.graph`). */
export interface RunGraph {
  projectId: string
  projectName: string
  versionId: number
  document: GraphDocument
}

/** A run as the comparison reads it: its metrics and graph, each loaded or why not. */
export interface LoadedRun {
  id: string
  detail: RunDetail | null
  graph: RunGraph | null
  /** Why the run or its graph could not be read. */
  error: string | null
}

export interface ComparedRun {
  id: string
  run: RunDetail
  graph: RunGraph | null
  graphError: string | null
  /** `A`, `B`, …: marks the run's points on the scatter charts. */
  tag: string
  /** `A · LeNet-5 · Fashion-MNIST · 3 Jan, 10:42`: names the run in the legend and the table. */
  label: string
  color: string
  /** Parameters (trainable and not) and MACs per sample of the run's graph; null without it. */
  totals: { params: number; macs: number } | null
  /** Test accuracy, or the best validation accuracy for a run without a test score. */
  score: { value: number; of: 'test' | 'validation' } | null
}

const when = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  })

/** Tags beyond Z: AA, AB, … */
export function tagOf(i: number): string {
  const letter = String.fromCharCode(65 + (i % 26))
  return i < 26 ? letter : tagOf(Math.floor(i / 26) - 1) + letter
}

/**
 * The runs read so far, oldest first, each with its tag, colour and label (the project, the dataset
 * and when it started; the run's short id is added where two labels would be the same).
 */
export function comparedRuns(loaded: LoadedRun[]): ComparedRun[] {
  const runs = loaded
    .filter((l): l is LoadedRun & { detail: RunDetail } => l.detail !== null)
    .sort((a, b) => a.detail.createdAt.localeCompare(b.detail.createdAt))
  const base = runs.map(
    ({ detail, graph }) =>
      `${graph?.projectName ?? 'unknown project'} · ${detail.dataset?.name ?? 'no dataset'} · ${when(detail.createdAt)}`,
  )
  return runs.map(({ id, detail, graph, error }, i) => {
    const tag = tagOf(i)
    const twin = base.some((b, j) => j !== i && b === base[i])
    const label = `${tag} · ${base[i]}${twin ? ` · #${id.slice(0, 6)}` : ''}`
    let totals: ComparedRun['totals'] = null
    if (graph) {
      const t = inferGraph(graph.document).totals
      totals = { params: t.trainable + t.nonTrainable, macs: t.macs }
    }
    const score =
      detail.testAccuracy !== null
        ? { value: detail.testAccuracy, of: 'test' as const }
        : detail.bestValScore !== null
          ? { value: detail.bestValScore, of: 'validation' as const }
          : null
    return {
      id,
      run: detail,
      graph,
      graphError: graph ? null : error,
      tag,
      label,
      color: RUN_COLORS[i % RUN_COLORS.length],
      totals,
      score,
    }
  })
}
