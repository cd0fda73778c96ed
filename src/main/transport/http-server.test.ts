import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { METHOD_NAMES, type Handlers } from '../../shared/api/contract'
import { createServices } from '../services'
import { startServer, type RunningServer } from './http-server'

const dir = mkdtempSync(join(tmpdir(), 'cnn-http-'))
const staticDir = join(dir, 'renderer')
mkdirSync(join(staticDir, 'assets'), { recursive: true })
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>CNN Studio</title>')
writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)')
writeFileSync(join(dir, 'secret.txt'), 'outside the static folder')

let server: RunningServer
let services: Handlers
const calls: string[] = []

beforeAll(async () => {
  const real = createServices({ dataDir: join(dir, 'data') })
  // Every call that reaches a service is recorded: a refused request must never get there.
  services = Object.fromEntries(
    METHOD_NAMES.map((m) => [m, (req: never) => (calls.push(m), (real[m] as (r: never) => unknown)(req))]),
  ) as unknown as Handlers
  server = await startServer({ services, staticDir, maxBodyBytes: 10_000 })
})
afterAll(() => server.close())

/** A raw HTTP request, so that Host and Origin can be anything. */
function send(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: opts.method ?? 'POST',
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}
const auth = () => ({ Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' })
const countProjects = async () =>
  JSON.parse((await send('/api/projects.list', { headers: auth(), body: '{}' })).body).value.length

describe('browser-mode server', () => {
  it('prints a loopback URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/)
  })

  it('serves the contract with the token', async () => {
    const r = await send('/api/templates.list', { headers: auth(), body: '{}' })
    expect(r.status).toBe(200)
    expect(JSON.parse(r.body).value.map((t: { name: string }) => t.name)).toContain('resnet50')
  })

  it('answers 401 without the token or with a wrong one, and the service is never called', async () => {
    calls.length = 0
    expect((await send('/api/projects.create', { body: '{"name":"x"}' })).status).toBe(401)
    const wrong = { Authorization: `Bearer ${server.token.slice(0, -1)}x` }
    expect((await send('/api/projects.create', { headers: wrong, body: '{"name":"x"}' })).status).toBe(401)
    expect(
      (await send('/api/projects.create', { headers: { Authorization: 'Bearer ' }, body: '{}' })).status,
    ).toBe(401)
    expect(calls).toEqual([])
  })

  it('answers 403 to another origin and to a foreign Host (DNS rebinding)', async () => {
    calls.length = 0
    const evil = { ...auth(), Origin: 'http://evil.example' }
    const r = await send('/api/projects.create', { headers: evil, body: '{"name":"x"}' })
    expect(r.status).toBe(403)
    expect(JSON.parse(r.body).error.message).toMatch(/requests from http:\/\/evil\.example are refused/)
    const rebound = { ...auth(), Host: `evil.example:${server.port}` }
    expect((await send('/api/projects.create', { headers: rebound, body: '{"name":"x"}' })).status).toBe(403)
    const own = { ...auth(), Origin: `http://127.0.0.1:${server.port}` }
    expect((await send('/api/templates.list', { headers: own, body: '{}' })).status).toBe(200)
    expect(calls).toEqual(['templates.list'])
  })

  it('answers 400 with the validation message to a malformed payload, and the database is unchanged', async () => {
    const before = await countProjects()
    calls.length = 0
    const r = await send('/api/projects.rename', { headers: auth(), body: '{"id": 5, "name": ""}' })
    expect(r.status).toBe(400)
    expect(JSON.parse(r.body).error).toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/^Invalid request for projects\.rename: id: /),
    })
    expect((await send('/api/projects.create', { headers: auth(), body: '{"name": ' })).status).toBe(400)
    const bad = await send('/api/projects.import', { headers: auth(), body: '{"file": {"format": "nope"}}' })
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body).error.code).toBe('invalid')
    expect(calls).toEqual(['projects.import'])
    expect(await countProjects()).toBe(before)
  })

  it('answers 404 to an unknown method, 405 to GET, 413 to a huge body', async () => {
    expect((await send('/api/projects.explode', { headers: auth(), body: '{}' })).status).toBe(404)
    expect((await send('/api/templates.list', { method: 'GET', headers: auth() })).status).toBe(405)
    const huge = JSON.stringify({ name: 'x'.repeat(20_000) })
    expect((await send('/api/projects.create', { headers: auth(), body: huge })).status).toBe(413)
  })

  it('answers 413 on a declared length before reading, and on a streamed body as it grows', async () => {
    calls.length = 0
    const declared = await send('/api/projects.create', {
      headers: { ...auth(), 'Content-Length': '999999999' },
      body: '{}',
    })
    expect(declared.status).toBe(413)
    expect(declared.headers.connection).toBe('close')
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/api/projects.create',
          method: 'POST',
          headers: auth(),
        },
        (res) => resolve(res.statusCode!),
      )
      req.on('error', reject)
      for (let i = 0; i < 20; i++) req.write('x'.repeat(1000)) // chunked: no Content-Length
      req.end()
    })
    expect(streamed).toBe(413)
    expect(calls).toEqual([])
  })

  it('serves the page with a strict CSP and refuses paths outside the build', async () => {
    const page = await send('/?token=abc', { method: 'GET' })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>CNN Studio</title>')
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'.*frame-ancestors 'none'/)
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect((await send('/assets/app.js', { method: 'GET' })).headers['content-type']).toMatch(
      /^text\/javascript/,
    )
    for (const [path, status] of [
      ['/../secret.txt', 404], // the URL parser folds it to /secret.txt, inside the build: absent
      ['/%2e%2e/secret.txt', 404],
      ['/assets/..%2f..%2fsecret.txt', 404],
      ['/%2e%2e%2fsecret.txt', 404],
      ['/%252e%252e%252fsecret.txt', 404],
      ['/..%5csecret.txt', 400],
      ['/%00index.html', 400],
      ['/%E0%A4%A', 400],
    ] as const) {
      const r = await send(path, { method: 'GET' })
      expect(r.body, path).not.toContain('outside the static folder')
      expect(r.status, path).toBe(status)
    }
    const missing = await send('/missing.js', { method: 'GET' })
    expect(missing.status).toBe(404)
    expect(missing.headers['content-security-policy']).toMatch(/default-src 'self'/)
    expect((await send('/assets/', { method: 'GET' })).status).toBe(404)
    expect((await send('/', { method: 'POST' })).status).toBe(405)
  })

  it('pushes events over a WebSocket only to a client with the token and the right origin', async () => {
    const base = `ws://127.0.0.1:${server.port}/api/events`
    const refused = (url: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, { headers })
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!))
        ws.on('open', () => resolve(101))
        ws.on('error', () => {})
      })
    expect(await refused(base)).toBe(401)
    expect(await refused(`${base}?token=nope`)).toBe(401)
    expect(await refused(`${base}?token=${server.token}`, { Origin: 'http://evil.example' })).toBe(403)
    expect(await refused(`${base}?token=${server.token}`, { Host: `evil.example:${server.port}` })).toBe(403)
    expect(await refused(`ws://127.0.0.1:${server.port}/other?token=${server.token}`)).toBe(404)

    const ws = new WebSocket(`${base}?token=${server.token}`)
    await new Promise((r) => ws.on('open', r))
    const got = new Promise((r) => ws.on('message', (m) => r(JSON.parse(String(m)))))
    server.emit('app.command', { command: 'fit' })
    expect(await got).toEqual({ event: 'app.command', payload: { command: 'fit' } })
    ws.close()
  })

  it('survives a client sending a frame over the size limit: that socket is closed, others go on', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`)
    ws.on('error', () => {})
    await new Promise((r) => ws.on('open', r))
    const closed = new Promise<number>((r) => ws.on('close', r))
    ws.send('x'.repeat(100 * 1024))
    expect(await closed).toBeGreaterThan(1000)
    expect((await send('/api/templates.list', { headers: auth(), body: '{}' })).status).toBe(200)
  })

  it('serves a page fetch() as the browser client does', async () => {
    const r = await fetch(`http://127.0.0.1:${server.port}/api/templates.get`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'lenet5' }),
    })
    expect(r.status).toBe(200)
    expect(((await r.json()) as { value: { nodes: unknown[] } }).value.nodes.length).toBeGreaterThan(5)
  })
})
