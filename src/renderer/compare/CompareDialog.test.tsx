import { act } from 'react'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunSummary } from '../../shared/api/training'
import { chain } from '../../shared/graph/test-kit'
import {
  DEFAULTS,
  allById,
  byId,
  click,
  detailOf,
  render,
  services,
  setUpPanelTests,
  setValue,
  summary,
  text,
  waitFor,
} from '../training/test-kit'
import { CompareDialog } from './CompareDialog'

setUpPanelTests()
beforeAll(() => {
  // React Flow measures its pane; jsdom has no ResizeObserver.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
})

const layers = (filters: number, dropout: boolean) =>
  chain([
    ['in', 'Input', { height: 28, width: 28, channels: 1 }],
    ['conv', 'Conv2D', { filters }],
    ['flat', 'Flatten'],
    ...(dropout ? [['drop', 'Dropout', { rate: 0.25 }] as [string, string, Record<string, unknown>]] : []),
    ['fc', 'Dense', { units: 10 }],
    ['out', 'Output', { classes: 10 }],
  ])

const epochs = (accuracies: number[]) =>
  accuracies.map((a, i) => ({
    epoch: i + 1,
    trainLoss: 1 - a,
    trainAccuracy: a,
    valLoss: 1.1 - a,
    valAccuracy: a - 0.01,
    learningRate: 0.001,
    samplesPerSecond: 1000,
  }))

const runA = summary({
  id: 'run-aaaaaaaa',
  status: 'finished',
  versionId: 2,
  epochsDone: 2,
  testAccuracy: 0.8,
  bestValScore: 0.79,
  hyperparameters: { ...DEFAULTS, epochs: 2, batchSize: 32, seed: 7 },
  createdAt: '2026-01-01T09:00:00.000Z',
})
const runB = summary({
  id: 'run-bbbbbbbb',
  status: 'finished',
  versionId: 3,
  epochsDone: 2,
  testAccuracy: 0.85,
  bestValScore: 0.84,
  hyperparameters: { ...DEFAULTS, epochs: 2, batchSize: 128, flip: true, seed: 7 },
  createdAt: '2026-01-01T10:00:00.000Z',
})
const runX = summary({
  id: 'run-xxxxxxxx',
  projectId: 'p2',
  status: 'finished',
  versionId: 1,
  epochsDone: 1,
  testAccuracy: null,
  bestValScore: 0.7,
  dataset: { id: 'fashion-mnist', name: 'Fashion-MNIST', hash: null },
  createdAt: '2026-01-02T10:00:00.000Z',
})
const graphs: Record<string, { projectId: string; versionId: number; document: ReturnType<typeof layers> }> =
  {
    [runA.id]: { projectId: 'p1', versionId: 2, document: layers(8, false) },
    [runB.id]: { projectId: 'p1', versionId: 3, document: layers(16, true) },
    [runX.id]: { projectId: 'p2', versionId: 1, document: layers(4, false) },
  }
const NAMES: Record<string, string> = { p1: 'LeNet', p2: 'Tiny' }

/** The panel with the comparison wired as the Workspace wires it, over these runs. */
async function open(project: RunSummary[], all: RunSummary[] = project, over = {}) {
  const t = services(project, {
    'runs.list': vi.fn(({ id }: { id?: string }) => (id ? all.filter((r) => r.projectId === id) : all)),
    'runs.get': vi.fn(({ runId }: { runId: string }) => {
      const run = all.find((r) => r.id === runId)!
      return detailOf(run, { epochs: epochs(run.id === runB.id ? [0.7, 0.86] : [0.6, 0.81]) })
    }),
    'runs.graph': vi.fn(({ runId }: { runId: string }) => ({
      ...graphs[runId],
      projectName: NAMES[graphs[runId].projectId],
    })),
    'projects.list': vi.fn(() =>
      Object.entries(NAMES).map(([id, name]) => ({
        id,
        name,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        lastOpenedAt: null,
        nodes: 5,
        trainable: 0,
        macs: 0,
      })),
    ),
    ...over,
  })
  await render(t.api, undefined, undefined, {
    compare: (p) => <CompareDialog api={t.api} {...p} />,
  })
  await waitFor(() => expect(allById('run-compare')).toHaveLength(project.length))
  for (const box of allById('run-compare')) await click(box)
  await click(byId('runs-compare'))
  // Every run read, or said to be unreadable.
  await waitFor(() =>
    expect(allById('compare-run').length + allById('compare-unreadable').length).toBe(project.length),
  )
  return t
}

const rows = () =>
  Object.fromEntries(allById('compare-row').map((r) => [r.dataset.key, r.dataset.differs === 'true']))

describe('the comparison of runs', () => {
  it('overlays the validation curves, one colour per run, named by project, dataset and date', async () => {
    await open([runB, runA])
    const labels = allById('compare-run').map((li) => li.querySelector('.compare-run-label')!.textContent)
    // Oldest first, tagged A, B.
    expect(labels[0]).toMatch(/^A · LeNet · MNIST · 1 Jan, \d\d:00$/)
    expect(labels[1]).toMatch(/^B · LeNet · MNIST · 1 Jan, \d\d:00$/)
    const series = [...byId('compare-accuracy')!.querySelectorAll<SVGGElement>('[data-series]')]
    expect(series.map((g) => g.dataset.series)).toEqual(labels)
    expect(series.map((g) => g.querySelectorAll('circle').length)).toEqual([2, 2])
    const colors = series.map((g) => g.querySelector('path')!.getAttribute('stroke'))
    expect(new Set(colors).size).toBe(2)
    expect(byId('compare-loss')!.querySelectorAll('[data-series] circle')).toHaveLength(4)
  })

  it('highlights the settings that differ, and only those', async () => {
    await open([runB, runA])
    await waitFor(() => expect(rows().graph).toBe(true))
    const r = rows()
    expect(r).toMatchObject({ graph: true, dataset: false, engine: false, batchSize: true, flip: true })
    expect(
      Object.entries(r)
        .filter(([, d]) => d)
        .map(([k]) => k),
    ).toEqual(['graph', 'batchSize', 'flip'])
    expect(text('compare-differing-count')).toBe('3 settings differ')
    const batch = allById('compare-row').find((e) => e.dataset.key === 'batchSize')!
    expect([...batch.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['32', '128'])
    expect(batch.classList.contains('differs')).toBe(true)
    await click(byId('compare-only-differing'))
    expect(allById('compare-row').filter((e) => e.dataset.differs === 'true')).toHaveLength(3)
    expect(allById('compare-row').some((e) => e.dataset.key === 'seed')).toBe(false)
  })

  it('shows what changed in the graph from the older version to the newer, listed and on a canvas', async () => {
    await open([runB, runA])
    await waitFor(() => expect(byId('compare-diff-summary')).not.toBeNull())
    expect(text('compare-diff-summary')).toBe(
      'From A (LeNet v2) to B (LeNet v3): 1 layer added, 1 changed · 2 connections added, 1 removed.',
    )
    const items = [...byId('compare-diff-list')!.querySelectorAll('li')]
    expect(items.map((li) => [li.dataset.change, li.textContent])).toEqual([
      ['added', '+ Dropout drop'],
      ['changed', '~ Conv2D conv: filters 8 → 16'],
      ['edge-added', '+ connection flat → drop'],
      ['edge-added', '+ connection drop → fc'],
      ['edge-removed', '− connection flat → fc'],
    ])
    // The newer graph's cards, marked.
    await waitFor(() => expect(byId('diff-node-drop')).not.toBeNull())
    expect(byId('diff-node-drop')!.dataset.mark).toBe('added')
    expect(byId('diff-node-conv')!.dataset.mark).toBe('changed')
    expect(byId('diff-node-conv')!.textContent).toContain('filters 8 → 16')
    expect(byId('diff-node-fc')!.dataset.mark).toBe('same')
  })

  it('plots test accuracy against parameters and MACs, each point labelled', async () => {
    await open([runB, runA])
    await waitFor(() => expect(byId('compare-scatter-params')!.querySelectorAll('circle')).toHaveLength(2))
    const points = (id: string) =>
      [...byId(id)!.querySelectorAll<SVGGElement>('[data-testid="scatter-point"]')].map(
        (g) => g.dataset.label,
      )
    expect(points('compare-scatter-params')).toEqual(['A', 'B'])
    expect(points('compare-scatter-macs')).toEqual(['A', 'B'])
    // B has more parameters (16 filters): its point is further right on the log axis.
    const cx = (id: string) =>
      [...byId(id)!.querySelectorAll('circle')].map((c) => Number(c.getAttribute('cx')))
    const [a, b] = cx('compare-scatter-params')
    expect(b).toBeGreaterThan(a)
    // Conv2D 3×3×1×8 + 8 = 80 and Dense 26·26·8·10 + 10 = 54 090; with 16 filters 160 + 108 170.
    const params = allById('compare-row').find((e) => e.dataset.key === 'params')!
    expect([...params.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['54.2 K', '108 K'])
  })

  it('adds a run of another project from the picker; with three, base and other are chosen', async () => {
    await open([runB, runA], [runB, runA, runX])
    await waitFor(() => expect(byId('compare-add')).not.toBeNull())
    const groups = [...byId('compare-add')!.querySelectorAll('optgroup')].map((g) => g.label)
    expect(groups).toEqual(['Tiny'])
    await setValue(byId<HTMLSelectElement>('compare-add')!, runX.id)
    await click(byId('compare-add-button'))
    await waitFor(() => expect(allById('compare-run')).toHaveLength(3))
    expect(allById('compare-run')[2].textContent).toMatch(/^C · Tiny · Fashion-MNIST · 2 Jan/)
    // Nothing left to add.
    expect(byId('compare-add')).toBeNull()
    // Oldest to newest by default: from A (LeNet v2) to C (Tiny v1), across projects.
    expect(text('compare-diff-summary')).toMatch(
      /^From A \(LeNet v2\) to C \(Tiny v1\): .*Different projects/,
    )
    await setValue(byId<HTMLSelectElement>('compare-diff-other')!, runB.id)
    expect(text('compare-diff-summary')).toMatch(/^From A \(LeNet v2\) to B \(LeNet v3\)/)
    await setValue(byId<HTMLSelectElement>('compare-diff-base')!, runB.id)
    expect(byId('compare-diff-summary')).toBeNull()
    // C has no test accuracy: its best validation accuracy stands in, and the heading says so.
    expect(byId('compare-scatter-macs')!.querySelectorAll('circle')).toHaveLength(3)
    expect(byId('compare-dialog')!.textContent).toContain('best validation accuracy for runs without a test')
  })

  it('says runs of one version have no graph changes, and names a run it could not read', async () => {
    const twin = { ...runB, id: 'run-cccccccc', createdAt: '2026-01-01T10:30:00.000Z' }
    graphs[twin.id] = graphs[runB.id]
    const gone = summary({ id: 'run-gone', status: 'finished', createdAt: '2026-01-01T08:00:00.000Z' })
    await open([twin, runB, gone], [twin, runB, gone], {
      'runs.get': vi.fn(({ runId }: { runId: string }) => {
        if (runId === 'run-gone') throw new Error('No run run-gone: it was deleted.')
        return detailOf(runId === twin.id ? twin : runB)
      }),
    })
    expect(text('compare-unreadable')).toContain('No run run-gone: it was deleted.')
    expect(allById('compare-run')).toHaveLength(2)
    expect(text('compare-diff-empty')).toBe(
      'Runs A and B trained the same version (LeNet v3): no graph changes.',
    )
    expect(text('compare-differing-count')).toBe('every setting is the same')
    // No epochs yet: the charts say so rather than draw nothing.
    expect(byId('compare-accuracy')!.textContent).toContain('No data yet.')
  })

  it('closes with Escape or its button', async () => {
    await open([runB, runA])
    await click(byId('compare-close'))
    expect(byId('compare-dialog')).toBeNull()
    await click(byId('runs-compare'))
    expect(byId('compare-dialog')).not.toBeNull()
    await act(async () =>
      byId('compare-dialog')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })),
    )
    await waitFor(() => expect(byId('compare-dialog')).toBeNull())
  })
})
