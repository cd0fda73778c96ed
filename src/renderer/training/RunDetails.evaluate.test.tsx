import { act } from 'react'
import { createRoot } from 'react-dom/client'
import { describe, expect, it, vi } from 'vitest'
import { EvaluationDialog } from '../insight/evaluation/EvaluationDialog'
import { evaluationOf, sampleImageOf } from '../insight/evaluation/fixture'
import { RunDetails } from './RunDetails'
import { click, services, setUpPanelTests, summary, waitFor } from './test-kit'

setUpPanelTests()

const inPage = (id: string) => document.body.querySelector(`[data-testid="${id}"]`)

async function show(run: ReturnType<typeof summary>, slot = true) {
  const { api } = services([run], {
    'runs.evaluate': vi.fn(() => evaluationOf('test')),
    'runs.samples': vi.fn(({ indices }: { indices: number[] }) => indices.map(sampleImageOf)),
  })
  const container = document.createElement('div')
  document.body.append(container)
  const root = createRoot(container)
  await act(async () =>
    root.render(
      <RunDetails
        api={api}
        runId={run.id}
        onReuse={() => {}}
        // As Workspace composes it.
        evaluationDialog={slot ? (e) => <EvaluationDialog api={api} {...e} /> : undefined}
      />,
    ),
  )
  await waitFor(() => expect(inPage('run-shown-status')).not.toBeNull())
  return () => (act(() => root.unmount()), container.remove())
}

describe('RunDetails: Evaluate', () => {
  it('opens the evaluation of a run with an epoch done, and closes it', async () => {
    const done = await show(summary({ status: 'finished', epochsDone: 3 }))
    expect(inPage('eval-dialog')).toBeNull()
    await click(inPage('run-evaluate') as HTMLElement)
    await waitFor(() => expect(inPage('eval-accuracy')?.textContent).toBe('97.00%'))
    await click(inPage('eval-close') as HTMLElement)
    expect(inPage('eval-dialog')).toBeNull()
    done()
  })

  it('offers nothing to evaluate before the first epoch ends', async () => {
    const done = await show(summary({ status: 'running', epochsDone: 0 }))
    expect(inPage('run-shown-status')).not.toBeNull()
    expect(inPage('run-evaluate')).toBeNull()
    done()
  })

  it('offers nothing where no evaluation dialog is composed in', async () => {
    const done = await show(summary({ status: 'finished', epochsDone: 3 }), false)
    expect(inPage('run-evaluate')).toBeNull()
    done()
  })
})
