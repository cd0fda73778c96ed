import { describe, expect, it, vi } from 'vitest'
import { chain } from '../graph/test-kit'
import { inferGraph } from '../graph/infer'
import { ApiError, type Handlers } from './contract'
import { dispatch } from './dispatch'

const doc = chain([
  ['in', 'Input', { height: 8, width: 8, channels: 1 }],
  ['c', 'Conv2D', { filters: 2, kernelSize: 3 }],
])

const handlers: Partial<Handlers> = {
  'templates.list': () => [],
  'templates.get': ({ name }) => {
    if (name === 'boom') throw new Error('disk on fire')
    throw new ApiError('not-found', `No template named '${name}'.`)
  },
  'graph.analyse': ({ document }) => inferGraph(document),
}

describe('dispatch', () => {
  it('parses the request and answers with the value', async () => {
    const r = await dispatch(handlers, 'graph.analyse', { document: doc })
    expect(r.ok).toBe(true)
    if (r.ok) expect((r.value as ReturnType<typeof inferGraph>).nodes.c.outputShape).toEqual([null, 6, 6, 2])
  })

  it('treats a missing payload as an empty request', async () => {
    expect(await dispatch(handlers, 'templates.list', undefined)).toEqual({ ok: true, value: [] })
  })

  it('refuses unknown methods and invalid requests before any handler runs', async () => {
    const spy = vi.fn()
    const guarded: Partial<Handlers> = { 'templates.get': spy }
    expect(await dispatch(guarded, 'templates.delete', {})).toEqual({
      ok: false,
      error: { code: 'bad-request', message: 'Unknown method "templates.delete".' },
    })
    expect(await dispatch(guarded, 'constructor', {})).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    })
    const bad = await dispatch(guarded, 'templates.get', { name: 7 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    if (!bad.ok) expect(bad.error.message).toMatch(/^Invalid request for templates\.get: name: /)
    expect(spy).not.toHaveBeenCalled()
  })

  it('passes ApiErrors through and turns other exceptions into internal errors', async () => {
    expect(await dispatch(handlers, 'templates.get', { name: 'vgg99' })).toEqual({
      ok: false,
      error: { code: 'not-found', message: "No template named 'vgg99'." },
    })
    const log = vi.fn()
    expect(await dispatch(handlers, 'templates.get', { name: 'boom' }, log)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'templates.get failed: disk on fire' },
    })
    expect(log).toHaveBeenCalledOnce()
  })

  it('answers unavailable for a method this side does not serve', async () => {
    expect(await dispatch({}, 'templates.list', {})).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    })
  })
})
