import { describe, expect, it } from 'vitest'
import { useInsight } from '../insight/insight-store'
import { byId, click, render, services, setUpPanelTests, summary, waitFor } from './test-kit'

setUpPanelTests()

describe("a run's Look inside", () => {
  it('shows test sample 0 of a run with an epoch done on the canvas', async () => {
    useInsight.getState().close()
    const { api } = services([summary({ status: 'finished', epochsDone: 2 })])
    await render(api)
    await waitFor(() => expect(byId('run-look-inside')).not.toBeNull())
    await click(byId('run-look-inside'))
    expect(useInsight.getState()).toMatchObject({
      runId: 'run-1',
      sample: { kind: 'dataset', split: 'test', index: 0 },
    })
  })

  it('is not offered before the first epoch ends', async () => {
    const { api } = services([summary({ status: 'running', epochsDone: 0 })])
    await render(api)
    await waitFor(() => expect(byId('run-shown')).not.toBeNull())
    expect(byId('run-look-inside')).toBeNull()
  })
})
