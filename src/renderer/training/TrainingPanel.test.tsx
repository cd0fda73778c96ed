import { act } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../shared/api/contract'
import {
  DEFAULTS,
  summary,
  services,
  render,
  waitFor,
  byId,
  text,
  setValue,
  click,
  startButton,
  circles,
  setUpPanelTests,
} from './test-kit'

setUpPanelTests()

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
      byId('chart-loss')!.querySelector('[data-series="batch"] path')!.getAttribute('d')!
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

    // So does one that failed because its database could not be written; one whose training failed does not.
    const full = { ...stopped, status: 'failed' as const, resumable: true, updatedAt: later(3) }
    await act(async () => emit('training.status', { runId: 'run-1', status: 'failed', run: full }))
    expect(byId('train-resume')!.title).toBe('Continue from the last checkpoint (epoch 1)')
    const diverged = { ...full, resumable: false, updatedAt: later(4) }
    await act(async () => emit('training.status', { runId: 'run-1', status: 'failed', run: diverged }))
    expect(byId('train-resume')).toBeNull()
  })

  it('a finished run shows its test accuracy and loss', async () => {
    const { api, emit, handlers } = services([running])
    await render(api)
    await waitFor(() => expect(byId('train-progress')).not.toBeNull())
    expect(byId('run-test')).toBeNull()
    const finished = summary({
      status: 'finished',
      epochsDone: 3,
      bestValScore: 0.9875,
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
