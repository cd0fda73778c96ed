import { describe, expect, expectTypeOf, it } from 'vitest'
import type { GraphDocument } from '../graph/document'
import type { GraphAnalysis } from '../graph/infer'
import { chain } from '../graph/test-kit'
import {
  ApiError,
  CONTRACT,
  createApi,
  isMethodName,
  METHOD_NAMES,
  splitMethodName,
  type Api,
  type Envelope,
  type MethodName,
  type Request,
  type TemplateSummary,
} from './contract'
import type { OpenedProject } from './projects'

const doc = chain([
  ['in', 'Input', { height: 8, width: 8, channels: 1 }],
  ['c', 'Conv2D', { filters: 2, kernelSize: 3 }],
])
const accepts = (m: MethodName, payload: unknown) => CONTRACT.methods[m].request.safeParse(payload).success

describe('request schemas', () => {
  it('templates.list takes an empty request and nothing else', () => {
    expect(accepts('templates.list', {})).toBe(true)
    expect(accepts('templates.list', { extra: 1 })).toBe(false)
    expect(accepts('templates.list', null)).toBe(false)
  })

  it('templates.get needs a template name', () => {
    expect(accepts('templates.get', { name: 'resnet18' })).toBe(true)
    expect(accepts('templates.get', {})).toBe(false)
    expect(accepts('templates.get', { name: '' })).toBe(false)
    expect(accepts('templates.get', { name: 42 })).toBe(false)
    expect(accepts('templates.get', { name: 'x'.repeat(201) })).toBe(false)
    expect(accepts('templates.get', { name: 'lenet5', path: '/etc/passwd' })).toBe(false)
  })

  it('graph.analyse needs a valid graph document, and fills in its defaults', () => {
    expect(accepts('graph.analyse', { document: doc })).toBe(true)
    expect(accepts('graph.analyse', {})).toBe(false)
    expect(accepts('graph.analyse', { document: { ...doc, format: 'keras' } })).toBe(false)
    expect(accepts('graph.analyse', { document: { ...doc, version: 99 } })).toBe(false)
    expect(accepts('graph.analyse', { document: { ...doc, nodes: [{ id: 'a' }] } })).toBe(false)
    expect(
      accepts('graph.analyse', {
        document: { ...doc, edges: [{ source: 'in', target: 'c', targetPort: -1 }] },
      }),
    ).toBe(false)
    const bare = { ...doc, nodes: [{ id: 'in', kind: 'Input' }], edges: [{ source: 'in', target: 'in' }] }
    const parsed = CONTRACT.methods['graph.analyse'].request.parse({ document: bare })
    expect(parsed.document.nodes[0].params).toEqual({})
    expect(parsed.document.edges[0].targetPort).toBe(0)
  })
})

describe('project request schemas', () => {
  const id = '0b7c6f1e-5f2a-4c1d-9d6e-1a2b3c4d5e6f'
  const view = { viewport: { x: 0, y: -3.5, zoom: 1 }, selection: ['c'] }

  it('bound names and ids, and trim names', () => {
    expect(accepts('projects.create', { name: 'Net' })).toBe(true)
    expect(accepts('projects.create', { name: 'Net', template: 'resnet18' })).toBe(true)
    expect(accepts('projects.create', { name: ' ' })).toBe(false)
    expect(accepts('projects.create', { name: 'x'.repeat(201) })).toBe(false)
    expect(accepts('projects.create', { name: 'Net', template: '' })).toBe(false)
    expect(CONTRACT.methods['projects.create'].request.parse({ name: '  Net ' }).name).toBe('Net')
    expect(accepts('projects.rename', { id, name: 'New' })).toBe(true)
    expect(accepts('projects.rename', { id })).toBe(false)
    for (const m of [
      'projects.open',
      'projects.delete',
      'projects.duplicate',
      'projects.versions',
      'projects.export',
    ] as const) {
      expect(accepts(m, { id }), m).toBe(true)
      expect(accepts(m, {}), m).toBe(false)
      expect(accepts(m, { id: '' }), m).toBe(false)
      expect(accepts(m, { id: 'x'.repeat(65) }), m).toBe(false)
      expect(accepts(m, { id, more: 1 }), m).toBe(false)
    }
  })

  it('projects.save needs a valid document; the view, note and base version are optional', () => {
    expect(accepts('projects.save', { id, document: doc })).toBe(true)
    expect(
      accepts('projects.save', { id, document: doc, viewState: view, note: 'n', baseVersionId: 3 }),
    ).toBe(true)
    expect(accepts('projects.save', { id, document: doc, viewState: null })).toBe(true)
    expect(accepts('projects.save', { id, document: { ...doc, version: 2 } })).toBe(false)
    expect(accepts('projects.save', { id, document: doc, viewState: { ...view, extra: 1 } })).toBe(false)
    expect(accepts('projects.save', { id, document: doc, viewState: { ...view, selection: [''] } })).toBe(
      false,
    )
    expect(
      accepts('projects.save', {
        id,
        document: doc,
        viewState: { ...view, viewport: { x: 0, y: 0, zoom: 0 } },
      }),
    ).toBe(false)
    expect(accepts('projects.save', { id, document: doc, note: 'n'.repeat(501) })).toBe(false)
    expect(accepts('projects.save', { id, document: doc, baseVersionId: 1.5 })).toBe(false)
  })

  it('projects.import takes any file (the service checks it); session.last takes nothing', () => {
    expect(accepts('projects.import', { file: 'anything' })).toBe(true)
    expect(accepts('projects.import', { file: {}, name: 'x' })).toBe(false)
    expect(accepts('session.last', {})).toBe(true)
    expect(accepts('session.last', { id })).toBe(false)
  })
})

describe('method names', () => {
  it('are namespace.verb and recognised', () => {
    expect(METHOD_NAMES).toEqual([
      'templates.list',
      'templates.get',
      'graph.analyse',
      'projects.list',
      'projects.create',
      'projects.open',
      'projects.save',
      'projects.rename',
      'projects.duplicate',
      'projects.delete',
      'projects.versions',
      'projects.export',
      'projects.import',
      'session.last',
      'training.start',
      'training.pause',
      'training.resume',
      'training.stop',
      'training.backends',
      'training.engines',
      'runs.list',
      'runs.get',
      'runs.delete',
      'runs.graph',
      'runs.evaluate',
      'runs.samples',
      'insight.activations',
      'insight.featureMap',
      'insight.weights',
      'insight.attribution',
      'insight.predict',
      'export.model',
      'export.download',
      'export.suggestPath',
      'export.choosePath',
      'export.checkTarget',
      'datasets.list',
      'datasets.preview',
      'datasets.download',
    ])
    for (const m of METHOD_NAMES) expect(m).toMatch(/^[a-z]+\.[a-zA-Z]+$/)
    expect(splitMethodName('templates.get')).toEqual(['templates', 'get'])
    expect(isMethodName('templates.list')).toBe(true)
    expect(isMethodName('toString')).toBe(false)
    expect(isMethodName('__proto__')).toBe(false)
    expect(isMethodName(undefined)).toBe(false)
  })
})

describe('createApi', () => {
  it('builds one function per method, grouped by namespace, and unwraps envelopes', async () => {
    const calls: [string, unknown][] = []
    const api: Api = createApi(
      async (method, request): Promise<Envelope<unknown>> => {
        calls.push([method, request])
        if (method === 'templates.get')
          return { ok: false, error: { code: 'not-found', message: 'No template x.' } }
        return { ok: true, value: [] }
      },
      () => () => {},
    )
    expect(Object.keys(api).sort()).toEqual([
      'datasets',
      'export',
      'graph',
      'insight',
      'on',
      'projects',
      'runs',
      'session',
      'templates',
      'training',
    ])
    await expect(api.templates.list()).resolves.toEqual([])
    const failure = api.templates.get({ name: 'x' })
    await expect(failure).rejects.toBeInstanceOf(ApiError)
    await expect(failure).rejects.toMatchObject({ code: 'not-found', message: 'No template x.' })
    expect(calls).toEqual([
      ['templates.list', {}],
      ['templates.get', { name: 'x' }],
    ])
  })
})

describe('the Api type is derived from the contract', () => {
  it('has one typed function per method (checked by `npm run typecheck`)', () => {
    expectTypeOf<Api['templates']['list']>().returns.toEqualTypeOf<Promise<TemplateSummary[]>>()
    expectTypeOf<Api['templates']['list']>().toBeCallableWith()
    expectTypeOf<Api['templates']['get']>().parameters.toEqualTypeOf<[{ name: string }]>()
    expectTypeOf<Api['templates']['get']>().returns.toEqualTypeOf<Promise<GraphDocument>>()
    expectTypeOf<Api['graph']['analyse']>().returns.toEqualTypeOf<Promise<GraphAnalysis>>()
    // Services receive the parsed request, defaults applied.
    expectTypeOf<Request<'graph.analyse'>['document']>().toEqualTypeOf<GraphDocument>()
    expectTypeOf<Api['projects']['open']>().returns.toEqualTypeOf<Promise<OpenedProject>>()
    expectTypeOf<Api['projects']['list']>().toBeCallableWith()
    expectTypeOf<Api['session']['last']>().returns.toEqualTypeOf<Promise<string | null>>()
    expectTypeOf<Api>().not.toHaveProperty('nope')
  })
})
