import { describe, expect, it } from 'vitest'
import { services, render, waitFor, byId, text, setValue, startButton, setUpPanelTests } from './test-kit'

setUpPanelTests()

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
      'webgpu',
      'tensorflow',
    ])
  })
})
