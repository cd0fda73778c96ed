/**
 * Fixtures for the training panel's component tests: a fake Api with spied services, sample
 * datasets and runs, rendering and DOM helpers. Each test file calls `setUpPanelTests()`.
 */
import { act, type ComponentProps } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll, beforeEach, vi } from 'vitest'
import type { Handlers } from '../../shared/api/contract'
import {
  hyperparametersSchema,
  type DatasetInfo,
  type DatasetPreview,
  type RunDetail,
  type RunSummary,
} from '../../shared/api/training'
import { chain } from '../../shared/graph/test-kit'
import { useDocument } from '../store/document-store'
import { createTestApi } from '../api/test-kit'
import { TrainingPanel } from './TrainingPanel'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}

// jsdom has no 2D canvas: a stand-in records what the sample images draw.
export const drawn: { width: number; height: number; data: Uint8ClampedArray }[] = []
let root: Root | undefined
let container: HTMLElement

/** Registers the act() environment, the canvas stand-in, a LeNet-like graph and clean-up. */
export function setUpPanelTests() {
  beforeAll(() => {
    globalThis.IS_REACT_ACT_ENVIRONMENT = true
  })

  beforeEach(() => {
    drawn.length = 0
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (
      this: HTMLCanvasElement,
    ) {
      return {
        createImageData: (w: number, h: number) => ({
          width: w,
          height: h,
          data: new Uint8ClampedArray(w * h * 4),
        }),
        putImageData: (d: { width: number; height: number; data: Uint8ClampedArray }) => drawn.push(d),
      } as unknown as CanvasRenderingContext2D
    } as never)
    // A LeNet-like graph: 28×28 grayscale in, 10 classes out.
    useDocument.getState().load(
      chain([
        ['in', 'Input', { height: 28, width: 28, channels: 1 }],
        ['flat', 'Flatten'],
        ['fc', 'Dense', { units: 10 }],
        ['out', 'Output', { classes: 10 }],
      ]),
    )
  })

  afterEach(() => {
    act(() => root?.unmount())
    container?.remove()
    root = undefined
    vi.restoreAllMocks()
  })
}

export const DEFAULTS = hyperparametersSchema.parse({})
export const DIGITS = [...'0123456789']

export const datasets: DatasetInfo[] = [
  {
    id: 'mnist',
    name: 'MNIST',
    classes: DIGITS,
    location: '/data/mnist',
    downloadable: true,
    trainSamples: 60_000,
    testSamples: 10_000,
    image: { height: 28, width: 28, channels: 1 },
  },
  {
    id: 'fashion-mnist',
    name: 'Fashion-MNIST',
    classes: [],
    location: null,
    downloadable: true,
    trainSamples: null,
    testSamples: null,
    image: null,
  },
  {
    id: 'cifar10',
    name: 'CIFAR-10',
    classes: DIGITS.map((d) => `class ${d}`),
    location: '/data/cifar10',
    downloadable: true,
    trainSamples: 50_000,
    testSamples: 10_000,
    image: { height: 32, width: 32, channels: 3 },
  },
]

export const bytes = (n: number, v: number) => btoa(String.fromCharCode(...new Array<number>(n).fill(v)))

export function previewOf(info: DatasetInfo): DatasetPreview {
  const image = info.image!
  const n = image.height * image.width * image.channels
  return {
    id: info.id,
    name: info.name,
    classes: info.classes,
    counts: { train: info.classes.map((_, i) => 6000 + i), test: info.classes.map(() => 1000) },
    image,
    samples: info.classes.flatMap((_, label) => [0, 1].map(() => ({ label, pixels: bytes(n, 10 * label) }))),
    skipped: [],
  }
}

export function summary(over: Partial<RunSummary> = {}): RunSummary {
  const status = over.status ?? 'queued'
  return {
    id: 'run-1',
    projectId: 'p1',
    versionId: 2,
    status,
    dataset: { id: 'mnist', name: 'MNIST', hash: null },
    hyperparameters: { ...DEFAULTS, epochs: 3 },
    engine: { name: 'tfjs' },
    backend: null,
    device: null,
    epochsDone: 0,
    bestValScore: null,
    testAccuracy: null,
    testLoss: null,
    elapsedMs: 0,
    message: null,
    resumable: status === 'stopped' || status === 'interrupted',
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    ...over,
  }
}

export const detailOf = (run: RunSummary, over: Partial<RunDetail> = {}): RunDetail => ({
  ...run,
  epochs: [],
  batches: [],
  checkpoints: [],
  classes: DIGITS,
  ...over,
})

/** The services as the panel uses them, each a spy; `runs` is what runs.list answers. */
export function services<O extends Partial<Handlers>>(runs: RunSummary[] = [], over: O = {} as O) {
  const base = {
    'datasets.list': vi.fn(() => datasets),
    'datasets.preview': vi.fn(({ dataset }: { dataset: { builtin?: string } }) =>
      previewOf(datasets.find((d) => d.id === dataset.builtin)!),
    ),
    'datasets.download': vi.fn(),
    'training.backends': vi.fn(() => ({
      chosen: 'wasm',
      device: 'CPU (WebAssembly)',
      attempts: [
        { name: 'tensorflow-gpu', ok: false, reason: '@tensorflow/tfjs-node-gpu is not installed' },
        { name: 'webgpu', ok: false, reason: 'no WebGPU adapter: vkCreateInstance: Found no drivers!' },
        { name: 'tensorflow', ok: false, reason: '@tensorflow/tfjs-node is not installed' },
        { name: 'wasm', ok: true },
      ],
    })),
    'training.engines': vi.fn(() => ({
      pytorch: {
        found: {
          python: '/usr/bin/python3',
          pythonVersion: '3.11.2',
          torch: '2.3.0',
          threads: 16,
          cuda: [{ name: 'NVIDIA H100 80GB HBM3', memoryBytes: 85_520_809_984 }],
          mps: false,
          distributed: true,
        },
        reason: null,
        tried: [],
      },
    })),
    'runs.list': vi.fn(() => runs),
    'runs.get': vi.fn(({ runId }: { runId: string }) =>
      detailOf(runs.find((r) => r.id === runId) ?? summary()),
    ),
    'runs.delete': vi.fn(({ runId }: { runId: string }) => ({ id: runId })),
    'training.start': vi.fn(() => summary()),
    'training.pause': vi.fn(() => summary({ status: 'running' })),
    'training.resume': vi.fn(() => summary({ status: 'queued' })),
    'training.stop': vi.fn(() => summary({ status: 'running' })),
  }
  const handlers = { ...base, ...over }
  return { handlers, ...createTestApi(handlers as Partial<Handlers>) }
}

export async function render(
  api: ReturnType<typeof services>['api'],
  save = vi.fn(async () => {}),
  projectId = 'p1',
  /** More of the panel's props (`compare`: what opens the comparison of runs). */
  props: Partial<ComponentProps<typeof TrainingPanel>> = {},
) {
  container = document.createElement('div')
  document.body.append(container)
  root = createRoot(container)
  await act(async () =>
    root!.render(<TrainingPanel api={api} projectId={projectId} save={save} {...props} />),
  )
  return save
}

/** Lets pending API calls settle inside act() until `check` passes. */
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
export const allById = (id: string) => [...container.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)]
export const text = (id: string) => byId(id)?.textContent ?? null

/** Types into a React-controlled input or picks a select option, as a user would. */
export async function setValue(el: HTMLInputElement | HTMLSelectElement, value: string) {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype
  await act(async () => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value)
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }))
  })
}
export const click = (el: HTMLElement | null) => act(async () => el!.click())
export const startButton = () => byId<HTMLButtonElement>('train-start')!
export const circles = (chart: string, series: string) =>
  container.querySelectorAll(`[data-testid="${chart}"] [data-series="${series}"] circle`).length
