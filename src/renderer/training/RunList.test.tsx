import { act } from 'react'
import { describe, expect, it, vi } from 'vitest'
import {
  DEFAULTS,
  summary,
  detailOf,
  services,
  render,
  waitFor,
  byId,
  allById,
  text,
  click,
  circles,
  setUpPanelTests,
} from './test-kit'

setUpPanelTests()

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

describe('runs list: differences and comparing', () => {
  const runA = summary({
    id: 'run-a',
    status: 'finished',
    hyperparameters: { ...DEFAULTS, epochs: 3, batchSize: 32, seed: 7 },
    createdAt: '2026-01-01T09:00:00.000Z',
  })
  const runB = summary({
    id: 'run-b',
    status: 'finished',
    hyperparameters: { ...DEFAULTS, epochs: 3, batchSize: 128, flip: true, seed: 7 },
    createdAt: '2026-01-01T10:00:00.000Z',
  })

  it('shows under each run every hyperparameter that differs among the listed runs', async () => {
    const { api } = services([runB, runA])
    await render(api)
    await waitFor(() => expect(allById('run-differs')).toHaveLength(2))
    // Batch size and flip differ; the seed and the epochs are the same in both runs.
    expect(allById('run-differs').map((e) => e.textContent)).toEqual([
      'batch 128 · flip on',
      'batch 32 · flip off',
    ])
  })

  it('a single run, or runs alike, have no line of differences', async () => {
    const { api } = services([runA, { ...runA, id: 'run-a2' }])
    await render(api)
    await waitFor(() => expect(allById('run-row')).toHaveLength(2))
    expect(allById('run-differs')).toEqual([])
  })

  it('ticks runs and compares them: Compare (n) is enabled from two; a tick does not open the run', async () => {
    const runC = summary({ id: 'run-c', status: 'failed', createdAt: '2026-01-01T11:00:00.000Z' })
    const compare = vi.fn(({ runIds }: { runIds: string[]; onClose(): void }) => (
      <p data-testid="comparing">{runIds.join(',')}</p>
    ))
    const { api } = services([runC, runB, runA])
    await render(api, undefined, undefined, { compare })
    await waitFor(() => expect(allById('run-compare')).toHaveLength(3))
    const button = byId<HTMLButtonElement>('runs-compare')!
    expect(button.textContent).toBe('Compare (0)')
    expect(button.disabled).toBe(true)
    await click(allById('run-compare')[2])
    expect(button.textContent).toBe('Compare (1)')
    expect(button.disabled).toBe(true)
    // Ticking selects for comparison only: the run on display stays the latest one.
    expect(allById('run-row')[2].getAttribute('aria-selected')).toBe('false')
    await click(allById('run-compare')[1])
    expect(button.textContent).toBe('Compare (2)')
    expect(button.disabled).toBe(false)
    await click(button)
    // In the list's order (newest first); the dialog sorts them itself.
    expect(text('comparing')).toBe('run-b,run-a')
    expect(compare).toHaveBeenCalled()
    // Unticking counts down again.
    await click(allById('run-compare')[1])
    expect(button.textContent).toBe('Compare (1)')
  })

  it('has no boxes to tick where nothing opens a comparison', async () => {
    const { api } = services([runB, runA])
    await render(api)
    await waitFor(() => expect(allById('run-row')).toHaveLength(2))
    expect(allById('run-compare')).toEqual([])
    expect(byId('runs-compare')).toBeNull()
  })
})
