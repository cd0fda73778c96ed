import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, type Handlers } from '../../shared/api/contract'
import {
  hyperparametersSchema,
  type DatasetInfo,
  type DatasetPreview,
  type RunDetail,
  type RunSummary,
} from '../../shared/api/training'
import { chain } from '../../shared/graph/test-doc'
import { useDocument } from '../store/document-store'
import { createTestApi } from './test-api'
import { TrainingPanel } from './TrainingPanel'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}

beforeAll(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true
})

// jsdom has no 2D canvas: a stand-in records what the sample images draw.
const drawn: { width: number; height: number; data: Uint8ClampedArray }[] = []
beforeEach(() => {
  drawn.length = 0
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) {
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

let root: Root | undefined
let container: HTMLElement
afterEach(() => {
  act(() => root?.unmount())
  container?.remove()
  root = undefined
  vi.restoreAllMocks()
})

const DEFAULTS = hyperparametersSchema.parse({})
const DIGITS = [...'0123456789']

const datasets: DatasetInfo[] = [
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

const bytes = (n: number, v: number) => btoa(String.fromCharCode(...new Array<number>(n).fill(v)))

function previewOf(info: DatasetInfo): DatasetPreview {
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

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'run-1',
    projectId: 'p1',
    versionId: 2,
    status: 'queued',
    dataset: { id: 'mnist', name: 'MNIST', hash: null },
    hyperparameters: { ...DEFAULTS, epochs: 3 },
    backend: null,
    device: null,
    epochsDone: 0,
    bestValAccuracy: null,
    testAccuracy: null,
    testLoss: null,
    elapsedMs: 0,
    message: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    ...over,
  }
}

const detailOf = (run: RunSummary, over: Partial<RunDetail> = {}): RunDetail => ({
  ...run,
  epochs: [],
  batches: [],
  checkpoints: [],
  classes: DIGITS,
  ...over,
})

/** The services as the panel uses them, each a spy; `runs` is what runs.list answers. */
function services<O extends Partial<Handlers>>(runs: RunSummary[] = [], over: O = {} as O) {
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
        { name: 'tensorflow', ok: false, reason: '@tensorflow/tfjs-node is not installed' },
        { name: 'wasm', ok: true },
      ],
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

async function render(
  api: ReturnType<typeof services>['api'],
  save = vi.fn(async () => {}),
  projectId = 'p1',
) {
  container = document.createElement('div')
  document.body.append(container)
  root = createRoot(container)
  await act(async () => root!.render(<TrainingPanel api={api} projectId={projectId} save={save} />))
  return save
}

/** Lets pending API calls settle inside act() until `check` passes. */
async function waitFor(check: () => void, timeoutMs = 2000) {
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

const byId = <T extends HTMLElement = HTMLElement>(id: string) =>
  container.querySelector<T>(`[data-testid="${id}"]`)
const allById = (id: string) => [...container.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)]
const text = (id: string) => byId(id)?.textContent ?? null

/** Types into a React-controlled input or picks a select option, as a user would. */
async function setValue(el: HTMLInputElement | HTMLSelectElement, value: string) {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype
  await act(async () => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value)
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }))
  })
}
const click = (el: HTMLElement | null) => act(async () => el!.click())
const startButton = () => byId<HTMLButtonElement>('train-start')!
const circles = (chart: string, series: string) =>
  container.querySelectorAll(`[data-testid="${chart}"] [data-series="${series}"] circle`).length

describe('dataset chooser', () => {
  it('offers the dataset here that fits the graph, with samples and counts per class', async () => {
    const { api, handlers } = services()
    await render(api)
    await waitFor(() => expect(allById('dataset-class')).toHaveLength(10))
    expect(byId<HTMLInputElement>('dataset-option-mnist')!.querySelector('input')!.checked).toBe(true)
    expect(handlers['datasets.preview']).toHaveBeenCalledWith({ dataset: { builtin: 'mnist' }, perClass: 4 })
    expect(text('dataset-summary')).toBe('MNIST: 28×28×1 · 10 classes · 60,045 training / 10,000 test images')
    expect(allById('dataset-class-counts')[3].textContent).toBe('6,003 / 1,000')
    // Two samples per class, each drawn at its size in grey.
    expect(allById('dataset-sample')).toHaveLength(20)
    await waitFor(() => expect(drawn).toHaveLength(20))
    expect(drawn[2].width).toBe(28)
    expect([...drawn[2].data.slice(0, 4)]).toEqual([10, 10, 10, 255])
    expect(byId('dataset-mismatch')).toBeNull()
    // Not on this machine: offered for download, not for training.
    const fashion = byId('dataset-option-fashion-mnist')!
    expect(fashion.querySelector('input')!.disabled).toBe(true)
    expect(fashion.textContent).toContain('not on this machine')
  })

  it('warns when a 3-channel dataset meets a 1-channel Input, saying what to change', async () => {
    const { api } = services()
    await render(api)
    await waitFor(() => expect(allById('dataset-class')).toHaveLength(10))
    await click(byId('dataset-option-cifar10')!.querySelector('input'))
    await waitFor(() => expect(byId('dataset-mismatch')).not.toBeNull())
    const warning = text('dataset-mismatch')!
    expect(warning).toContain(
      "CIFAR-10 has 3 channels (RGB) but the Input node takes 1. Set the Input's channels to 3.",
    )
    expect(warning).toContain(
      'CIFAR-10 images are 32×32 but the Input node takes 28×28. Set the Input to 32×32.',
    )
    // RGB samples are drawn in colour.
    await waitFor(() => expect(drawn.some((d) => d.width === 32)).toBe(true))
    // Fixing the graph clears the warning.
    await act(async () =>
      useDocument.getState().change((d) => ({
        ...d,
        nodes: d.nodes.map((n) =>
          n.id === 'in' ? { ...n, params: { height: 32, width: 32, channels: 3 } } : n,
        ),
      })),
    )
    expect(byId('dataset-mismatch')).toBeNull()
  })

  it('downloads a dataset with a progress bar, then offers it', async () => {
    let finish!: (d: DatasetInfo) => void
    const fashion: DatasetInfo = {
      ...datasets[0],
      id: 'fashion-mnist',
      name: 'Fashion-MNIST',
      location: '/data/fashion-mnist',
    }
    const { api, emit, handlers } = services([], {
      'datasets.download': vi.fn(() => new Promise<DatasetInfo>((r) => (finish = r))),
    })
    await render(api)
    await waitFor(() => expect(byId('dataset-download-fashion-mnist')).not.toBeNull())
    await click(byId('dataset-download-fashion-mnist'))
    expect(handlers['datasets.download']).toHaveBeenCalledWith({ id: 'fashion-mnist' })
    await act(async () =>
      emit('datasets.progress', {
        id: 'fashion-mnist',
        bytes: 5_000_000,
        total: 20_000_000,
        file: 'train-images',
      }),
    )
    const bar = byId<HTMLProgressElement>('dataset-progress-fashion-mnist')!
    expect(bar.value).toBe(5_000_000)
    expect(bar.max).toBe(20_000_000)
    expect(byId('dataset-option-fashion-mnist')!.textContent).toContain('train-images 5.00 MB of 20.0 MB')
    await act(async () => finish(fashion))
    await waitFor(() => expect(byId('dataset-progress-fashion-mnist')).toBeNull())
    expect(byId('dataset-option-fashion-mnist')!.querySelector('input')!.disabled).toBe(false)
  })

  it('takes an image folder by its path', async () => {
    const { api, handlers } = services([], {
      'datasets.preview': vi.fn(() => {
        throw new ApiError('invalid', '/data/flowers does not exist.')
      }),
    })
    await render(api)
    await setValue(byId<HTMLInputElement>('dataset-folder')!, '/data/flowers')
    await click(byId('dataset-folder-use'))
    await waitFor(() => expect(text('dataset-preview-error')).toBe('/data/flowers does not exist.'))
    expect(handlers['datasets.preview']).toHaveBeenLastCalledWith({
      dataset: { folder: '/data/flowers' },
      perClass: 4,
    })
  })
})

describe('hyperparameters', () => {
  it('shows what is wrong beside the field and disables Start', async () => {
    const { api } = services()
    await render(api)
    await waitFor(() => expect(startButton().disabled).toBe(false))
    await setValue(byId('hp-epochs')!, '0')
    expect(text('hp-epochs-error')).toBe('Must be at least 1.')
    expect(byId('hp-epochs')!.getAttribute('aria-invalid')).toBe('true')
    expect(startButton().disabled).toBe(true)
    expect(text('train-invalid')).toBe('Fix this setting to start: Epochs.')
    await setValue(byId('hp-learningRate')!, 'fast')
    expect(text('hp-learningRate-error')).toBe('Enter a number.')
    expect(text('train-invalid')).toBe('Fix these settings to start: Epochs, Learning rate.')
    await setValue(byId('hp-epochs')!, '2')
    await setValue(byId('hp-learningRate')!, '0.01')
    expect(byId('train-invalid')).toBeNull()
    expect(startButton().disabled).toBe(false)
  })

  it('shows momentum and Nesterov for SGD only, the step size and gamma for their schedules', async () => {
    const { api } = services()
    await render(api)
    expect(byId('hp-momentum')).toBeNull()
    expect(byId('hp-nesterov')).toBeNull()
    await setValue(byId('hp-optimizer')!, 'sgd')
    expect(byId('hp-momentum')).not.toBeNull()
    expect(byId('hp-nesterov')).not.toBeNull()
    await setValue(byId('hp-optimizer')!, 'rmsprop')
    expect(byId('hp-momentum')).not.toBeNull()
    expect(byId('hp-nesterov')).toBeNull()
    expect(byId('hp-gamma')).toBeNull()
    await setValue(byId('hp-schedule')!, 'step')
    expect(byId('hp-stepEpochs')).not.toBeNull()
    expect(byId('hp-gamma')).not.toBeNull()
    await setValue(byId('hp-schedule')!, 'exponential')
    expect(byId('hp-stepEpochs')).toBeNull()
    expect(byId('hp-gamma')).not.toBeNull()
    // A bad value in a field that no longer applies does not block a start.
    await setValue(byId('hp-gamma')!, '7')
    expect(startButton().disabled).toBe(true)
    await setValue(byId('hp-schedule')!, 'cosine')
    await waitFor(() => expect(startButton().disabled).toBe(false))
  })

  it('shows the backend training would use and why faster ones did not load', async () => {
    const { api } = services()
    await render(api)
    await waitFor(() =>
      expect(text('backend-report')).toContain('Auto trains with wasm on CPU (WebAssembly).'),
    )
    expect(text('backend-report')).toContain('tensorflow-gpu: @tensorflow/tfjs-node-gpu is not installed')
    const select = byId<HTMLSelectElement>('train-backend')!
    expect([...select.options].filter((o) => o.disabled).map((o) => o.value)).toEqual([
      'tensorflow-gpu',
      'tensorflow',
    ])
  })
})

describe('starting a run', () => {
  it('saves the project, then starts with the parsed hyperparameters and the backend', async () => {
    const order: string[] = []
    const { api, handlers } = services([], {
      'training.start': vi.fn(() => (order.push('start'), summary())),
    })
    const save = vi.fn(async () => void order.push('save'))
    await render(api, save)
    await waitFor(() => expect(startButton().disabled).toBe(false))
    await setValue(byId('hp-epochs')!, '3')
    await setValue(byId('hp-optimizer')!, 'sgd')
    await setValue(byId('hp-momentum')!, '0.8')
    await click(byId('hp-nesterov'))
    await setValue(byId('hp-learningRate')!, '0.05')
    await click(byId('hp-flip'))
    await setValue(byId('hp-limit')!, '6000')
    await setValue(byId('train-backend')!, 'wasm')
    await click(startButton())
    await waitFor(() => expect(handlers['training.start']).toHaveBeenCalledTimes(1))
    expect(order).toEqual(['save', 'start'])
    expect(handlers['training.start']).toHaveBeenCalledWith({
      projectId: 'p1',
      dataset: { builtin: 'mnist' },
      hyperparameters: {
        ...DEFAULTS,
        epochs: 3,
        optimizer: 'sgd',
        momentum: 0.8,
        nesterov: true,
        learningRate: 0.05,
        flip: true,
        limit: 6000,
      },
      backend: 'wasm',
    })
    // The new run is shown at once.
    await waitFor(() => expect(byId('run-shown')).not.toBeNull())
    expect(text('run-shown-status')).toBe('queued')
  })

  it('shows why the services refused to start, and does not start when saving failed', async () => {
    const refusal =
      'The graph cannot be trained:\n- fc: Dense needs a 2-D input; add a Flatten before it.\n- Training needs exactly one Output node.'
    const { api, handlers } = services([], {
      'training.start': vi.fn(() => {
        throw new ApiError('invalid', refusal)
      }),
    })
    const save = vi.fn(async () => {})
    await render(api, save)
    await waitFor(() => expect(startButton().disabled).toBe(false))
    await click(startButton())
    await waitFor(() => expect(text('train-error')).toBe(refusal))
    expect(byId('train-error')!.getAttribute('role')).toBe('alert')

    save.mockRejectedValueOnce(new Error('The project could not be saved: disk full'))
    await click(startButton())
    await waitFor(() => expect(text('train-error')).toBe('The project could not be saved: disk full'))
    expect(handlers['training.start']).toHaveBeenCalledTimes(1)
  })

  it('without a project says training needs the app or the server', async () => {
    const { api, handlers } = services()
    await render(api, undefined, null as unknown as string)
    expect(text('train-unavailable')).toContain('npx cnn-studio serve')
    expect(handlers['datasets.list']).not.toHaveBeenCalled()
  })
})

describe('a live run', () => {
  const running = summary({ status: 'running', backend: 'wasm', device: 'CPU (WebAssembly)' })
  const later = (s: number) => `2026-01-01T10:0${s}:00.000Z`

  it('batch and epoch events move the progress bar and draw the charts', async () => {
    const { api, emit } = services([running])
    await render(api)
    await waitFor(() => expect(byId('train-progress')).not.toBeNull())
    expect(text('run-backend')).toContain('wasm on CPU (WebAssembly)')
    expect(text('train-progress-text')).toBe('Epoch 1/3: waiting for the first batch…')
    expect(text('chart-loss')).toContain('No data yet.')

    const batch = (step: number, loss: number) =>
      act(async () =>
        emit('training.batch', {
          runId: 'run-1',
          epoch: Math.ceil(step / 100),
          batch: ((step - 1) % 100) + 1,
          batches: 100,
          step,
          loss,
          samplesPerSecond: 1234.4,
          etaSeconds: 125,
        }),
      )
    await batch(10, 2.3)
    await batch(50, 1.1)
    expect(text('train-progress-text')).toBe(
      'Epoch 1/3 · batch 50/100 · 1,234 samples/s · ETA 2 min 05 s · loss 1.1000',
    )
    expect(text('train-speed')).toBe('1,234 samples/s')
    const bar = byId<HTMLProgressElement>('train-progress-bar')!
    expect(bar.value).toBeCloseTo(0.5)
    expect(bar.max).toBe(3)
    const batchPath = () =>
      container.querySelector('[data-testid="chart-loss"] [data-series="batch"] path')!.getAttribute('d')!
    expect(batchPath()).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/)

    await batch(100, 0.7)
    await act(async () =>
      emit('training.epoch', {
        runId: 'run-1',
        epoch: 1,
        trainLoss: 0.9,
        trainAccuracy: 0.71,
        valLoss: 0.6,
        valAccuracy: 0.8,
        learningRate: 0.001,
        samplesPerSecond: 1200,
      }),
    )
    expect(circles('chart-loss', 'train')).toBe(1)
    expect(circles('chart-loss', 'validation')).toBe(1)
    expect(circles('chart-accuracy', 'train')).toBe(1)
    expect(circles('chart-accuracy', 'validation')).toBe(1)
    await batch(150, 0.5)
    expect(text('train-progress-text')).toContain('Epoch 2/3 · batch 50/100')
    expect(batchPath().split('L')).toHaveLength(4)
    // Events of another run change nothing here.
    await act(async () =>
      emit('training.batch', {
        runId: 'other',
        epoch: 3,
        batch: 1,
        batches: 10,
        step: 21,
        loss: 9,
        samplesPerSecond: 1,
        etaSeconds: 1,
      }),
    )
    expect(text('train-progress-text')).toContain('Epoch 2/3 · batch 50/100')
  })

  it('Pause, Resume and Stop follow the status', async () => {
    const { api, emit, handlers } = services([running])
    await render(api)
    await waitFor(() => expect(byId('train-pause')).not.toBeNull())
    expect(byId('train-stop')).not.toBeNull()
    expect(byId('train-resume')).toBeNull()
    await click(byId('train-pause'))
    expect(handlers['training.pause']).toHaveBeenCalledWith({ runId: 'run-1' })

    const paused = { ...running, status: 'paused' as const, updatedAt: later(1) }
    await act(async () => emit('training.status', { runId: 'run-1', status: 'paused', run: paused }))
    expect(byId('train-pause')).toBeNull()
    expect(byId('train-resume')).not.toBeNull()
    await click(byId('train-resume'))
    expect(handlers['training.resume']).toHaveBeenCalledWith({ runId: 'run-1' })

    const stopped = { ...running, status: 'stopped' as const, epochsDone: 1, updatedAt: later(2) }
    await act(async () => emit('training.status', { runId: 'run-1', status: 'stopped', run: stopped }))
    expect(byId('train-progress')).toBeNull()
    expect(byId('train-stop')).toBeNull()
    // A stopped run resumes from its last checkpoint.
    expect(byId('train-resume')!.title).toBe('Continue from the last checkpoint (epoch 1)')
  })

  it('a finished run shows its test accuracy and loss', async () => {
    const { api, emit, handlers } = services([running])
    await render(api)
    await waitFor(() => expect(byId('train-progress')).not.toBeNull())
    expect(byId('run-test')).toBeNull()
    const finished = summary({
      status: 'finished',
      epochsDone: 3,
      bestValAccuracy: 0.9875,
      testAccuracy: 0.98123,
      testLoss: 0.06123,
      elapsedMs: 95_000,
      updatedAt: later(5),
    })
    handlers['runs.list'].mockReturnValue([finished])
    await act(async () => emit('training.status', { runId: 'run-1', status: 'finished', run: finished }))
    await waitFor(() => expect(text('run-test')).toBe('Test accuracy 98.12% · test loss 0.0612'))
    expect(byId('train-progress')).toBeNull()
    const row = byId('run-row')!
    expect(row.getAttribute('data-status')).toBe('finished')
    expect(row.textContent).toContain('98.75%')
    expect(text('run-test-accuracy')).toBe('98.12%')
    expect(row.textContent).toContain('1 min 35 s')
  })
})

describe('runs list', () => {
  const finished = summary({
    id: 'run-old',
    status: 'finished',
    epochsDone: 3,
    testAccuracy: 0.9,
    testLoss: 0.3,
    createdAt: '2026-01-01T09:00:00.000Z',
    updatedAt: '2026-01-01T09:30:00.000Z',
  })
  const failed = summary({
    id: 'run-failed',
    status: 'failed',
    message: 'The training loss became NaN at epoch 1, batch 3.',
    createdAt: '2026-01-01T09:40:00.000Z',
  })

  it("lists the project's runs, refreshed on status events; a click opens one with its curves", async () => {
    const detail = detailOf(finished, {
      epochs: [1, 2, 3].map((epoch) => ({
        epoch,
        trainLoss: 1 / epoch,
        trainAccuracy: 0.7 + epoch / 20,
        valLoss: 1.1 / epoch,
        valAccuracy: 0.68 + epoch / 20,
        learningRate: 0.001,
        samplesPerSecond: 1000,
      })),
      batches: [1, 2, 3].map((epoch) => ({ epoch, step: epoch * 10, loss: 1 / epoch })),
    })
    const { api, emit, handlers } = services([failed, finished], {
      'runs.get': vi.fn(({ runId }: { runId: string }) => (runId === 'run-old' ? detail : detailOf(failed))),
    })
    await render(api)
    await waitFor(() => expect(allById('run-row')).toHaveLength(2))
    expect(handlers['runs.list']).toHaveBeenCalledWith({ id: 'p1' })
    // The latest run is shown first, with why it failed.
    await waitFor(() => expect(text('run-message')).toBe('The training loss became NaN at epoch 1, batch 3.'))
    expect(allById('run-row').map((r) => r.querySelector('[data-testid="run-status"]')!.textContent)).toEqual(
      ['failed', 'finished'],
    )
    await click(allById('run-row')[1])
    await waitFor(() => expect(circles('chart-accuracy', 'validation')).toBe(3))
    expect(text('run-test')).toBe('Test accuracy 90.00% · test loss 0.3000')
    expect(allById('run-row')[1].getAttribute('aria-selected')).toBe('true')

    const calls = handlers['runs.list'].mock.calls.length
    const started = summary({ id: 'run-new', createdAt: '2026-01-01T11:00:00.000Z' })
    handlers['runs.list'].mockReturnValue([started, failed, finished])
    await act(async () => emit('training.status', { runId: 'run-new', status: 'queued', run: started }))
    await waitFor(() => expect(allById('run-row')).toHaveLength(3))
    expect(handlers['runs.list'].mock.calls.length).toBeGreaterThan(calls)
    // Another project's runs are not listed here.
    await act(async () =>
      emit('training.status', {
        runId: 'x',
        status: 'queued',
        run: summary({ id: 'x', projectId: 'p2' }),
      }),
    )
    expect(allById('run-row')).toHaveLength(3)
  })

  it('deletes a finished run after asking; live runs cannot be deleted', async () => {
    const live = summary({ id: 'run-live', status: 'running' })
    const { api, handlers } = services([live, finished])
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true)
    await render(api)
    await waitFor(() => expect(allById('run-row')).toHaveLength(2))
    expect(allById('run-row')[0].querySelector('[data-testid="run-delete"]')).toBeNull()
    handlers['runs.list'].mockReturnValue([live])
    await click(allById('run-row')[1].querySelector('[data-testid="run-delete"]'))
    expect(confirm).toHaveBeenCalled()
    await waitFor(() => expect(allById('run-row')).toHaveLength(1))
    expect(handlers['runs.delete']).toHaveBeenCalledWith({ runId: 'run-old' })
  })

  it('"Use these settings" copies a run\'s hyperparameters into the form', async () => {
    const tuned = summary({
      ...finished,
      hyperparameters: { ...DEFAULTS, epochs: 7, optimizer: 'adamw', weightDecay: 0.05 },
    })
    const { api } = services([tuned])
    await render(api)
    await waitFor(() => expect(byId('run-reuse')).not.toBeNull())
    await click(byId('run-reuse'))
    expect(byId<HTMLInputElement>('hp-epochs')!.value).toBe('7')
    expect(byId<HTMLSelectElement>('hp-optimizer')!.value).toBe('adamw')
    expect(byId<HTMLInputElement>('hp-weightDecay')!.value).toBe('0.05')
  })
})
