/** The Export dialog's tests: its fixtures (runs, a report, services), rendering and DOM helpers. */
import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll, beforeEach, expect, vi } from 'vitest'
import type { Handlers } from '../../shared/api/contract'
import type { ExportReport } from '../../shared/api/export'
import { chain } from '../../shared/graph/test-kit'
import type { SaveStatus } from '../projects/use-autosave'
import { useDocument } from '../store/document-store'
import { summary } from '../training/test-kit'
import { createTestApi } from '../api/test-kit'
import { ExportDialog } from './ExportDialog'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}

let root: Root | undefined
let container: HTMLElement

/** Removes the rendered dialog (the next render starts afresh). */
export function unmount() {
  act(() => root?.unmount())
  container?.remove()
  root = undefined
}

/** The hooks every Export dialog test file needs: React's act environment, a small graph, cleanup. */
export function setUpDialogTests() {
  beforeAll(() => {
    globalThis.IS_REACT_ACT_ENVIRONMENT = true
  })

  beforeEach(() => {
    useDocument.getState().load({
      ...chain([
        ['in', 'Input', { height: 28, width: 28, channels: 1 }],
        ['flat', 'Flatten'],
        ['fc', 'Dense', { units: 10 }],
        ['out', 'Output', { classes: 10 }],
      ]),
      name: 'LeNet/5',
    })
  })

  afterEach(() => {
    unmount()
    vi.restoreAllMocks()
  })
}

// Runs as runs.list answers them (newest first): only those with an epoch done have weights.
export const RUNS = [
  summary({ id: 'r-live', status: 'running', epochsDone: 1, createdAt: '2026-03-04T10:00:00.000Z' }),
  summary({ id: 'r-none', status: 'failed', epochsDone: 0, createdAt: '2026-03-03T10:00:00.000Z' }),
  summary({
    id: 'r-new',
    status: 'finished',
    epochsDone: 3,
    bestValScore: 0.9812,
    testAccuracy: 0.9803,
    createdAt: '2026-03-02T10:00:00.000Z',
  }),
  summary({
    id: 'r-old',
    status: 'finished',
    versionId: 1,
    epochsDone: 2,
    bestValScore: 0.95,
    testAccuracy: 0.94,
    createdAt: '2026-03-01T10:00:00.000Z',
  }),
]

export const REPORT: ExportReport = {
  format: 'onnx',
  out: '/tmp/out/LeNet-5.onnx',
  files: ['/tmp/out/LeNet-5.onnx'],
  bytes: 247_913,
  opset: 17,
  layout: 'NCHW',
  weights: { trained: false, seed: 1 },
  projectName: 'LeNet/5',
  classes: [...'0123456789'],
  inputs: [{ name: 'images', shape: ['N', 1, 28, 28] }],
  outputs: [
    { name: 'logits', shape: ['N', 10] },
    { name: 'probabilities', shape: ['N', 10] },
  ],
  warnings: ['The weights are untrained: the model predicts nothing useful.'],
  verification: {
    engine: 'onnxruntime',
    data: 'random',
    samples: 8,
    maxAbsDiff: 3.1e-7,
    maxAbsLogit: 0.4213,
    top1Agreement: 1,
    tolerance: 1e-4,
    passed: true,
  },
  notVerified: null,
  elapsedMs: 900,
}

/** The services the dialog uses, each a spy. */
export function services(runs = RUNS, over: Partial<Handlers> = {}) {
  const handlers = {
    'runs.list': vi.fn(() => runs),
    'projects.versions': vi.fn(() => [
      { id: 2, createdAt: '2026-03-04T09:00:00.000Z', nodes: 4, note: null },
    ]),
    'export.suggestPath': vi.fn(({ format }: { format: string }) => ({
      path: format === 'onnx' ? '/home/u/Downloads/LeNet-5.onnx' : `/home/u/Downloads/LeNet-5-${format}`,
      native: false,
    })),
    'export.choosePath': vi.fn(() => ({ path: '/picked/model.onnx', overwriteConfirmed: true })),
    'export.checkTarget': vi.fn(({ path }: { path: string }) => ({ out: path, replaces: [] as string[] })),
    'export.model': vi.fn(() => REPORT),
    ...over,
  }
  return { handlers, ...createTestApi(handlers as unknown as Partial<Handlers>) }
}

export async function render(
  api: ReturnType<typeof services>['api'],
  opts: {
    projectId?: string | null
    save?: () => Promise<SaveStatus>
    onClose?: () => void
    download?: (file: { id: string; name: string }) => void
  } = {},
) {
  const save = opts.save ?? vi.fn(async (): Promise<SaveStatus> => ({ state: 'saved' }))
  const onClose = opts.onClose ?? vi.fn()
  container = document.createElement('div')
  document.body.append(container)
  root = createRoot(container)
  const projectId = opts.projectId === undefined ? 'p1' : opts.projectId
  await act(async () =>
    root!.render(
      <ExportDialog api={api} projectId={projectId} save={save} onClose={onClose} download={opts.download} />,
    ),
  )
  return { save, onClose }
}

export async function waitFor(check: () => void, timeoutMs = 2000) {
  const start = Date.now()
  for (;;) {
    try {
      check()
      return
    } catch (e) {
      if (Date.now() - start > timeoutMs) throw e
      await act(() => new Promise((r) => setTimeout(r, 5)))
    }
  }
}

export const byId = <T extends HTMLElement = HTMLElement>(id: string) =>
  container.querySelector<T>(`[data-testid="${id}"]`)
export const sources = () => [
  ...container.querySelectorAll<HTMLInputElement>('[data-testid="export-source"]'),
]
export const checked = () => sources().find((s) => s.checked)?.value
export const sourceText = (i: number) => sources()[i].closest('label')!.textContent
export const pathInput = () => byId<HTMLInputElement>('export-path')!
export const startButton = () => byId<HTMLButtonElement>('export-start')!
export const click = (el: HTMLElement | null) => act(async () => el!.click())
export async function setValue(el: HTMLInputElement | HTMLSelectElement, value: string) {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype
  await act(async () => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value)
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }))
  })
}
/** Waits until the runs are listed and the path suggested. */
export const ready = () =>
  waitFor(() => {
    expect(sources().length).toBeGreaterThan(0)
    expect(pathInput().value).not.toBe('')
  })
