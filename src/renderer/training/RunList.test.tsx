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
