import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, type Api } from '../../shared/api/contract'
import { createHttpApi, takeToken } from './http'
import { pickApi } from './index'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

/** Stands in for the browser's WebSocket: records the URL and lets the test push messages. */
class FakeSocket {
  static last: FakeSocket | undefined
  onmessage: ((m: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.last = this
  }
}

beforeEach(() => {
  sessionStorage.clear()
  history.replaceState(null, '', '/')
})
afterEach(() => {
  vi.unstubAllGlobals()
  delete (window as { api?: Api }).api
})

describe('takeToken', () => {
  it('takes the token out of the address bar and keeps it for this tab', () => {
    history.replaceState(null, '', '/?token=abc&x=1#top')
    expect(takeToken()).toBe('abc')
    expect(location.search).toBe('?x=1')
    expect(location.hash).toBe('#top')
    expect(takeToken()).toBe('abc') // a reload of the cleaned URL
    history.replaceState(null, '', '/?token=new')
    expect(takeToken()).toBe('new')
  })

  it('is null without a token', () => {
    expect(takeToken()).toBeNull()
  })
})

describe('createHttpApi', () => {
  it('POSTs the request with the token as a bearer header and returns the value', async () => {
    const fetch = vi.fn(async () => json(200, { ok: true, value: [] }))
    vi.stubGlobal('fetch', fetch)
    const api = createHttpApi('tok', 'http://127.0.0.1:7860')
    expect(await api.templates.get({ name: 'lenet5' })).toEqual([])
    expect(fetch).toHaveBeenCalledWith('http://127.0.0.1:7860/api/templates.get', {
      method: 'POST',
      headers: { Authorization: 'Bearer tok', 'Content-Type': 'application/json' },
      body: '{"name":"lenet5"}',
    })
  })

  it('throws the envelope error as an ApiError with its code', async () => {
    vi.stubGlobal('fetch', async () =>
      json(400, { ok: false, error: { code: 'bad-request', message: 'Invalid request for x' } }),
    )
    const error = await createHttpApi('tok')
      .templates.list()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'bad-request', message: 'Invalid request for x' })
  })

  it('says the server is gone when fetch fails, and reports a non-JSON answer', async () => {
    vi.stubGlobal('fetch', async () => Promise.reject(new TypeError('Failed to fetch')))
    await expect(createHttpApi('tok').templates.list()).rejects.toMatchObject({ code: 'unavailable' })
    vi.stubGlobal('fetch', async () => new Response('Bad gateway', { status: 502 }))
    await expect(createHttpApi('tok').templates.list()).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('HTTP 502'),
    })
  })

  it('listens to events on a WebSocket carrying the token, and ignores garbage', () => {
    vi.stubGlobal('WebSocket', FakeSocket)
    const api = createHttpApi('a/b', 'http://127.0.0.1:7860')
    const got: unknown[] = []
    const off = api.on('app.command', (p) => got.push(p))
    const socket = FakeSocket.last!
    expect(socket.url).toBe('ws://127.0.0.1:7860/api/events?token=a%2Fb')
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    socket.onmessage!({ data: 'not json' })
    socket.onmessage!({ data: JSON.stringify({ event: 'app.command', payload: { command: 'fit' } }) })
    off()
    socket.onmessage!({ data: JSON.stringify({ event: 'app.command', payload: { command: 'new' } }) })
    expect(got).toEqual([{ command: 'fit' }])
    expect(() => api.on('nope' as 'app.command', () => {})).toThrow(/Unknown event/)
  })
})

describe('pickApi', () => {
  it('prefers the preload, then HTTP with a token, then the in-page services', () => {
    const electron = {} as Api
    ;(window as { api?: Api }).api = electron
    history.replaceState(null, '', '/?token=abc')
    expect(pickApi()).toEqual({ api: electron, transport: 'electron' })
    delete (window as { api?: Api }).api
    expect(pickApi().transport).toBe('http')
    sessionStorage.clear()
    history.replaceState(null, '', '/')
    expect(pickApi().transport).toBe('in-page')
  })
})
