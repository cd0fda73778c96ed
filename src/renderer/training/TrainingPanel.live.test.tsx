import { act } from 'react'
import type { RunSummary } from '../../shared/api/training'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  summary,
  services,
  render,
  waitFor,
  byId,
  text,
  click,
  startButton,
  setUpPanelTests,
} from './test-kit'

setUpPanelTests()
afterEach(() => vi.useRealTimers())

const later = (s: number) => `2026-01-01T10:0${s}:00.000Z`
const formShown = () => !byId('new-run-form')!.hidden

describe('the New run form while the shown run is live', () => {
  it('folds to a line on Start, opens with Edit settings, and opens again when the run ends', async () => {
    const runs: RunSummary[] = []
    const { api, emit } = services(runs)
    await render(api)
    await waitFor(() => expect(startButton().disabled).toBe(false))
    expect(formShown()).toBe(true)
    expect(byId('new-run-toggle')).toBeNull()
    await click(startButton())
    await waitFor(() => expect(byId('run-shown')).not.toBeNull())
    expect(formShown()).toBe(false)
    expect(text('new-run-summary')).toBe(
      'MNIST · epochs 10 · optimizer adam · lr 0.001 · batch 64 (folded while the run trains)',
    )
    expect(text('new-run-toggle')).toBe('Edit settings')

    await click(byId('new-run-toggle'))
    expect(formShown()).toBe(true)
    expect(byId('new-run-summary')).toBeNull()
    expect(text('new-run-toggle')).toBe('Hide settings')
    await click(byId('new-run-toggle'))
    expect(formShown()).toBe(false)

    const done = summary({ status: 'finished', updatedAt: later(2) })
    runs.push(done)
    await act(async () => emit('training.status', { runId: 'run-1', status: 'finished', run: done }))
    await waitFor(() => expect(formShown()).toBe(true))
    expect(byId('new-run-toggle')).toBeNull()
  })

  it('is folded when the panel opens on a live run', async () => {
    const { api } = services([summary({ status: 'running' })])
    await render(api)
    await waitFor(() => expect(byId('run-shown')).not.toBeNull())
    await waitFor(() => expect(formShown()).toBe(false))
  })

  it('is open when the panel opens on a finished run', async () => {
    const { api } = services([summary({ status: 'finished' })])
    await render(api)
    await waitFor(() => expect(text('run-shown-status')).toBe('finished'))
    expect(formShown()).toBe(true)
    expect(byId('new-run-toggle')).toBeNull()
  })

  it('brings the run into view on Start', async () => {
    const scrolled = vi.fn()
    const original = HTMLElement.prototype.scrollIntoView
    HTMLElement.prototype.scrollIntoView = scrolled
    try {
      const { api } = services([])
      await render(api)
      await waitFor(() => expect(startButton().disabled).toBe(false))
      expect(scrolled).not.toHaveBeenCalled()
      await click(startButton())
      await waitFor(() => expect(scrolled).toHaveBeenCalledTimes(1))
      expect(scrolled.mock.contexts[0]).toBe(byId('run-shown')!.parentElement)
    } finally {
      HTMLElement.prototype.scrollIntoView = original
    }
  })
})

describe('a live run’s clock and ETA', () => {
  it('elapsed time ticks each second while running and stops when paused', async () => {
    const running = summary({ status: 'running', elapsedMs: 4_000 })
    const { api, emit } = services([running])
    await render(api)
    await waitFor(() => expect(text('run-elapsed')).toBe('4 s'))
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    // The effect's timer started under real timers: a new snapshot starts one under fake ones.
    const again = { ...running, updatedAt: later(1) }
    await act(async () => emit('training.status', { runId: 'run-1', status: 'running', run: again }))
    await act(async () => vi.advanceTimersByTime(3_000))
    expect(text('run-elapsed')).toBe('7 s')
    await act(async () => vi.advanceTimersByTime(60_000))
    expect(text('run-elapsed')).toBe('1 min 07 s')
    // A snapshot read while it runs lags (the heartbeat stored 61 s): the clock does not go back.
    const lagging = { ...running, elapsedMs: 61_000, updatedAt: later(2) }
    await act(async () => emit('training.status', { runId: 'run-1', status: 'running', run: lagging }))
    expect(text('run-elapsed')).toBe('1 min 07 s')
    await act(async () => vi.advanceTimersByTime(1_000))
    expect(text('run-elapsed')).toBe('1 min 08 s')

    const paused = { ...running, status: 'paused' as const, elapsedMs: 64_500, updatedAt: later(3) }
    await act(async () => emit('training.status', { runId: 'run-1', status: 'paused', run: paused }))
    expect(text('run-elapsed')).toBe('1 min 05 s')
    await act(async () => vi.advanceTimersByTime(10_000))
    expect(text('run-elapsed')).toBe('1 min 05 s')
  })

  it('reads “estimating…” until the trainer has an ETA', async () => {
    const { api, emit } = services([summary({ status: 'running' })])
    await render(api)
    await waitFor(() => expect(byId('train-progress')).not.toBeNull())
    const batch = (step: number, etaSeconds: number | null) =>
      act(async () =>
        emit('training.batch', {
          runId: 'run-1',
          epoch: 1,
          batch: step,
          batches: 100,
          step,
          loss: 1,
          samplesPerSecond: 500,
          etaSeconds,
        }),
      )
    await batch(1, null)
    expect(text('train-eta')).toBe('estimating…')
    await batch(20, 24)
    expect(text('train-eta')).toBe('24 s')
  })
})
