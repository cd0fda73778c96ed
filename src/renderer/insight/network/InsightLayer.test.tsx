import { float32ToBase64 } from '../../../shared/tensor/base64'
import { act } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../shared/api/contract'
import { useUi } from '../../store/ui-store'
import { useInsight } from '../insight-store'
import { InsightLayer } from './InsightLayer'
import { NodeThumbnail } from './NodeThumbnail'
import {
  BIAS,
  byId,
  click,
  CONV,
  drawn,
  hover,
  INPUT,
  insightApi,
  KERNEL,
  render,
  setUpNetworkTests,
  setValue,
  text,
  waitFor,
} from './test-kit'

setUpNetworkTests()

const showTest = (index = 0) =>
  act(() => useInsight.getState().show('run-1', { kind: 'dataset', split: 'test', index }))

describe('the sample bar', () => {
  it('shows nothing without a run, then the sample, its true label and the prediction', async () => {
    const { api, handlers } = insightApi()
    await render(<InsightLayer api={api} />)
    expect(byId('insight-sample-bar')).toBeNull()
    await showTest(4)
    await waitFor(() => expect(text('insight-prediction')).toContain('predicted dog'))
    expect(text('insight-prediction')).toContain('true dog') // label 4 % 3 = 1
    expect(text('insight-prediction')).toMatch(/\d+\.\d %/)
    expect(text('insight-source')).toBe('test sample 4')
    expect(handlers['insight.activations']).toHaveBeenCalledWith({
      runId: 'run-1',
      sample: { kind: 'dataset', split: 'test', index: 4 },
    })
  })

  it('moves to the next test sample and back, fetching each once', async () => {
    const { api, handlers } = insightApi()
    await render(<InsightLayer api={api} />)
    await showTest(0)
    await waitFor(() => expect(byId('insight-prediction')).not.toBeNull())
    expect(byId<HTMLButtonElement>('insight-prev')!.disabled).toBe(true)
    await click(byId('insight-next'))
    await waitFor(() => expect(text('insight-source')).toBe('test sample 1'))
    await click(byId('insight-prev'))
    await waitFor(() => expect(text('insight-source')).toBe('test sample 0'))
    expect(handlers['insight.activations']).toHaveBeenCalledTimes(2)
    await setValue(byId<HTMLInputElement>('insight-index')!, '7')
    await waitFor(() => expect(useInsight.getState().sample).toMatchObject({ index: 7 }))
  })

  it('says why the network could not run, with Retry', async () => {
    let fail = true
    const { api } = insightApi({
      'insight.activations': vi.fn(async () => {
        if (fail) throw new ApiError('unavailable', 'The inference worker is not running yet.')
        return (await import('./test-kit')).activations('run-1')
      }),
    })
    await render(<InsightLayer api={api} />)
    await showTest()
    await waitFor(() =>
      expect(text('insight-activations-error')).toContain('inference worker is not running'),
    )
    fail = false
    await click(byId('insight-activations-error')!.querySelector('button'))
    await waitFor(() => expect(byId('insight-prediction')).not.toBeNull())
  })

  it('draws Grad-CAM for the predicted class by default, then for a picked class', async () => {
    const { api, handlers } = insightApi()
    await render(<InsightLayer api={api} />)
    await showTest()
    await waitFor(() => expect(byId('insight-method-grad-cam')).not.toBeNull())
    await click(byId('insight-method-grad-cam'))
    await waitFor(() => expect(byId('insight-attribution')).not.toBeNull())
    expect(handlers['insight.attribution']).toHaveBeenLastCalledWith(
      expect.objectContaining({ method: 'grad-cam', classIndex: 1 }),
    )
    expect(byId<HTMLSelectElement>('insight-class')!.value).toBe('1')
    expect(byId('insight-attribution-empty')).toBeNull()
    // The layer picker lists the 3-D outputs; its default is the last convolution.
    const layers = [...byId<HTMLSelectElement>('insight-layer')!.options].map((o) => o.value)
    expect(layers).toEqual(['', 'in', 'conv', 'pool'])
    expect(byId<HTMLSelectElement>('insight-layer')!.options[0]!.text).toContain('(conv)')
    await setValue(byId<HTMLSelectElement>('insight-class')!, '2')
    await setValue(byId<HTMLSelectElement>('insight-layer')!, 'pool')
    await waitFor(() =>
      expect(handlers['insight.attribution']).toHaveBeenLastCalledWith(
        expect.objectContaining({ method: 'grad-cam', classIndex: 2, nodeId: 'pool' }),
      ),
    )
    await click(byId('insight-method-saliency'))
    await waitFor(() =>
      expect(handlers['insight.attribution']).toHaveBeenLastCalledWith({
        runId: 'run-1',
        sample: expect.anything(),
        method: 'saliency',
        classIndex: 2,
      }),
    )
  })

  it('says so when Grad-CAM leaves nothing (no position raises the class), and not otherwise', async () => {
    const { api } = insightApi({
      'insight.attribution': async ({ method, classIndex }) => ({
        method,
        classIndex,
        nodeId: 'conv',
        height: 6,
        width: 6,
        values: float32ToBase64(new Float32Array(36)),
      }),
    })
    await render(<InsightLayer api={api} />)
    await showTest()
    await waitFor(() => expect(byId('insight-method-grad-cam')).not.toBeNull())
    await click(byId('insight-method-grad-cam'))
    await waitFor(() => expect(byId('insight-attribution-empty')).not.toBeNull())
    expect(byId('insight-attribution-empty')!.textContent).toMatch(/zero everywhere: no position of conv/)
  })

  it('opens a dropped PNG as the sample and refuses other files, saying what to open', async () => {
    const { api } = insightApi()
    await render(<InsightLayer api={api} />)
    await showTest()
    const drop = async (file: File) =>
      act(async () => {
        const e = new Event('drop', { bubbles: true }) as Event & { dataTransfer: unknown }
        e.dataTransfer = { files: [file], types: ['Files'] }
        byId('insight-sample-bar')!.dispatchEvent(e)
        await new Promise((r) => setTimeout(r, 20))
      })
    await drop(new File(['GIF89a'], 'anim.gif', { type: 'image/gif' }))
    expect(text('insight-file-error')).toContain('anim.gif is not a PNG or JPEG image (image/gif)')
    await drop(new File([new Uint8Array([137, 80, 78, 71])], 'cat.png', { type: 'image/png' }))
    await waitFor(() =>
      expect(useInsight.getState().sample).toEqual({
        kind: 'image',
        file: { name: 'cat.png', data: 'iVBORw==' },
      }),
    )
    expect(text('insight-source')).toBe('cat.png')
  })

  it('closes: the run is no longer shown', async () => {
    const { api } = insightApi()
    await render(<InsightLayer api={api} />)
    await showTest()
    await click(byId('insight-close'))
    expect(useInsight.getState().runId).toBeNull()
    expect(byId('insight-sample-bar')).toBeNull()
  })
})

describe('a node card’s thumbnail', () => {
  it('draws the mean map of its output once the activations are in, and nothing before', async () => {
    const { api } = insightApi()
    await render(
      <>
        <NodeThumbnail id="conv" />
        <NodeThumbnail id="fc" />
        <InsightLayer api={api} />
      </>,
    )
    expect(byId('thumbnail-conv')).toBeNull()
    await showTest()
    await waitFor(() => expect(byId('thumbnail-conv')).not.toBeNull())
    const conv = drawn.find((d) => d.width === 6 && d.height === 6 && d !== drawn[0])
    expect(conv).toBeDefined()
    expect(byId('thumbnail-fc')!.querySelector('canvas')!.height).toBe(1)
    expect(byId('thumbnail-fc')!.querySelector('canvas')!.width).toBe(3)
  })
})

describe('the node view', () => {
  it('opens on selecting a node, with its numbers and the tabs of its kind', async () => {
    const { api } = insightApi()
    await render(<InsightLayer api={api} />)
    await showTest()
    await act(() => useUi.getState().select(['conv']))
    await waitFor(() => expect(byId('fm-grid')).not.toBeNull())
    expect(text('node-view-name')).toBe('conv')
    expect(text('node-view-stats')).toContain('[6 × 6 × 2]')
    expect(byId('fm-channel-0')).not.toBeNull()
    expect(byId('fm-channel-1')).not.toBeNull()
    expect(['maps', 'kernels', 'explain'].map((t) => byId(`node-tab-${t}`)?.textContent)).toEqual([
      'Feature maps',
      'Kernels',
      'Convolution',
    ])
    await hover(byId('fm-channel-1')!, 2, 3, 6, 6)
    expect(text('fm-hover')).toContain('(y 2, x 3, c 1)')
    await click(byId('node-tab-kernels'))
    await waitFor(() => expect(byId('kernel-grid')).not.toBeNull())
    expect(byId('kernel-grid')!.querySelectorAll('canvas').length).toBe(2)

    await act(() => useUi.getState().select(['out']))
    await waitFor(() => expect(text('node-view-name')).toBe('out'))
    await click(byId('node-tab-explain'))
    await waitFor(() => expect(byId('softmax')).not.toBeNull())
    expect(text('node-tab-explain')).toBe('Logits & softmax')
    expect(text('softmax-row-1')).toContain('dog')
    expect(byId('softmax-row-1')!.className).toBe('chosen')
    const sum = Math.exp(0.5 - 2) + 1 + Math.exp(-3)
    expect(Number(text('softmax-sum'))).toBeCloseTo(sum, 3)
  })

  it('explains a convolution pixel: hovering shows the window, Σ products + bias = z and relu(z) = the map’s value', async () => {
    const { api } = insightApi()
    await render(<InsightLayer api={api} />)
    await showTest()
    await act(() => useInsight.getState().openNode('conv'))
    await waitFor(() => expect(byId('node-tab-explain')).not.toBeNull())
    await click(byId('node-tab-explain'))
    await waitFor(() => expect(byId('conv-explainer')).not.toBeNull())
    await setValue(byId<HTMLSelectElement>('conv-out-channel')!, '1')
    await hover(byId('conv-output-map')!, 0, 4, 6, 6)
    // The direct sum at (0, 4) channel 1: row −1 is padding.
    let z = BIAS[1]!
    for (let ky = 0; ky < 3; ky++)
      for (let kx = 0; kx < 3; kx++) {
        const iy = ky - 1
        const ix = 4 + kx - 1
        if (iy >= 0 && ix < 6) z += INPUT[iy * 6 + ix]! * KERNEL[(ky * 3 + kx) * 2 + 1]!
      }
    const sumText = text('conv-sum')!
    const numbers = sumText.match(/-?\d+(\.\d+)?(e[+-]\d+)?/g)!.map(Number)
    expect(numbers.at(-1)).toBeCloseTo(z, 3)
    expect(numbers[0]).toBeCloseTo(z - BIAS[1]!, 3)
    expect(text('conv-activated')).toContain('✓')
    expect(Number(text('conv-activated')!.match(/= (-?[\d.e+-]+)/)![1])).toBeCloseTo(CONV[4 * 2 + 1]!, 3)
    // The top row of the window is padding.
    const cells = [...byId('conv-window-input')!.querySelectorAll('td')]
    expect(cells.slice(0, 3).map((c) => c.textContent)).toEqual(['pad', 'pad', 'pad'])
  })

  it('explains max pooling: the window and which cell is the max', async () => {
    const { api } = insightApi()
    await render(<InsightLayer api={api} />)
    await showTest()
    await act(() => useInsight.getState().openNode('pool'))
    await waitFor(() => expect(byId('node-tab-explain')).not.toBeNull())
    await click(byId('node-tab-explain'))
    await waitFor(() => expect(byId('pool-explainer')).not.toBeNull())
    await hover(byId('pool-output-map')!, 1, 2, 3, 3)
    const window = [2, 3].flatMap((y) => [4, 5].map((x) => CONV[(y * 6 + x) * 2]!))
    expect(text('pool-result')).toContain(`max of 4 values = ${Number(Math.max(...window).toPrecision(4))}`)
    expect(byId('pool-window')!.querySelectorAll('td.chosen').length).toBe(1)
  })

  it('shows loading states while a feature map loads (the editor is not blocked)', async () => {
    let resolve: () => void = () => {}
    const gate = new Promise<void>((r) => (resolve = r))
    const { api } = insightApi({
      'insight.featureMap': vi.fn(async ({ nodeId }: { nodeId: string }) => {
        await gate
        return (await import('./test-kit')).featureMap(nodeId)
      }),
    })
    await render(<InsightLayer api={api} />)
    await showTest()
    await act(() => useInsight.getState().openNode('conv'))
    expect(byId('node-view-loading')).not.toBeNull()
    resolve()
    await waitFor(() => expect(byId('fm-grid')).not.toBeNull())
  })
})
