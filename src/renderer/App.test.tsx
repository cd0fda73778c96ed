import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ApiError, type Api, type Handlers, type TemplateSummary } from '../shared/api/contract'
import { inferGraph } from '../shared/graph/infer'
import { chain } from '../shared/graph/test-kit'
import { App } from './App'
import { createInPageApi } from './api/local'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}

beforeAll(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true
})

let root: Root | undefined
let container: HTMLElement

afterEach(() => {
  act(() => root?.unmount())
  container?.remove()
  root = undefined
})

async function render(api: Api) {
  container = document.createElement('div')
  document.body.append(container)
  root = createRoot(container)
  await act(async () => root!.render(<App api={api} transport="in-page" />))
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

const tinyDoc = chain([
  ['in', 'Input', { height: 32, width: 32, channels: 3 }],
  ['c1', 'Conv2D', { filters: 16, kernelSize: 3, padding: 'same' }],
])
tinyDoc.name = 'Tiny CNN'

const summaries: TemplateSummary[] = [
  {
    name: 'resnet18',
    title: 'ResNet-18',
    description: 'Residual network, ImageNet.',
    trainable: 11_689_512,
    nonTrainable: 9_600,
    macs: 1_818_228_160,
  },
  {
    name: 'tiny',
    title: 'Tiny CNN',
    description: 'One convolution.',
    trainable: 448,
    nonTrainable: 0,
    macs: 458_752,
  },
]

const fake: Partial<Handlers> = {
  'templates.list': () => summaries,
  'templates.get': ({ name }) => {
    if (name !== 'tiny') throw new ApiError('not-found', `No template named '${name}'.`)
    return tinyDoc
  },
  'graph.analyse': ({ document }) => inferGraph(document),
}

const cards = () => [...container.querySelectorAll<HTMLButtonElement>('.card')]

describe('start screen', () => {
  it('shows the template gallery with parameter and MAC totals', async () => {
    await render(createInPageApi(fake))
    await waitFor(() => expect(cards()).toHaveLength(2))
    expect(container.querySelector('h1')!.textContent).toBe('CNN Studio')
    const [resnet, tiny] = cards()
    expect(resnet.querySelector('.card-title')!.textContent).toBe('ResNet-18')
    expect(resnet.querySelector('.card-totals')!.textContent).toBe('11.7 M params · 1.82 G MACs')
    expect(tiny.querySelector('.card-totals')!.textContent).toBe('448 params · 459 K MACs')
    expect(resnet.getAttribute('aria-pressed')).toBe('false')
  })

  it("opens a template's layers, as the analysis sees them", async () => {
    await render(createInPageApi(fake))
    await waitFor(() => expect(cards()).toHaveLength(2))
    await act(async () => cards()[1].click())
    await waitFor(() => expect(container.querySelector('table')).not.toBeNull())
    expect(cards()[1].getAttribute('aria-pressed')).toBe('true')
    const rows = [...container.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    )
    expect(rows).toEqual([
      ['in', 'Input 32×32×3', '32×32×3', '0', '0'],
      ['c1', 'Conv2D 16 · 3×3 · same', '32×32×16', '448', '442 K'],
    ])
    expect(container.querySelector('.detail h2')!.textContent).toBe('Tiny CNN')
  })

  it('says why a template cannot be opened', async () => {
    await render(createInPageApi(fake))
    await waitFor(() => expect(cards()).toHaveLength(2))
    await act(async () => cards()[0].click())
    await waitFor(() =>
      expect(container.querySelector('.detail[role=alert]')!.textContent).toBe(
        "Could not open resnet18: No template named 'resnet18'.",
      ),
    )
  })

  it('says when the services cannot be reached', async () => {
    await render(createInPageApi({}))
    await waitFor(() =>
      expect(container.querySelector('[role=alert]')!.textContent).toBe(
        'Could not load the templates: templates.list is not available here.',
      ),
    )
  })
})

describe('in-page services (browser mode without a server)', () => {
  it('computes the gallery from the built-in templates', async () => {
    const list = await createInPageApi().templates.list()
    expect(list.length).toBeGreaterThan(0)
    for (const t of list) {
      expect(t.title).not.toBe('')
      expect(t.trainable).toBeGreaterThan(0)
      expect(t.macs).toBeGreaterThan(0)
    }
  })
})
