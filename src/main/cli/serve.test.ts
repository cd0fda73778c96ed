import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'

const BIN = new URL('../../../bin/cnn-studio.js', import.meta.url).pathname

/** Runs the command to its end: exit status and what it wrote to stderr. */
function run(...args: string[]): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr!.on('data', (d) => (err += d))
  return new Promise((r) => child.once('exit', (code) => r({ code, err })))
}

describe('cnn-studio serve', () => {
  it('prints the URL with its token first, serves the contract with it, and stops on SIGTERM', async () => {
    const data = mkdtempSync(join(tmpdir(), 'cnn-serve-'))
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', data], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve)
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)))
    })
    const url = new URL(first)
    expect(url.hostname).toBe('127.0.0.1')
    const token = url.searchParams.get('token')!
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/)

    const call = (method: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url.origin}/api/${method}`, { method: 'POST', headers, body: JSON.stringify(body) })
    expect((await call('templates.list', {})).status).toBe(401)
    const templates = await call('templates.list', {}, { Authorization: `Bearer ${token}` })
    expect(templates.status).toBe(200)
    expect(((await templates.json()) as { value: { name: string }[] }).value.map((t) => t.name)).toContain(
      'resnet18',
    )
    expect((await call('projects.list', {})).status).toBe(401)
    const created = await call('projects.create', { name: 'Served' }, { Authorization: `Bearer ${token}` })
    expect(created.status).toBe(200)
    const list = (await (await call('projects.list', {}, { Authorization: `Bearer ${token}` })).json()) as {
      value: { name: string }[]
    }
    expect(list.value.map((p) => p.name)).toEqual(['Served'])

    child.kill('SIGTERM')
    expect(await new Promise((r) => child.once('exit', r))).toBe(0)
  }, 60_000)

  it('says so when a given port is busy, or the data folder is a file, with status 2', async () => {
    const busy = createServer()
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r))
    const port = (busy.address() as AddressInfo).port
    const data = mkdtempSync(join(tmpdir(), 'cnn-serve-'))
    expect(await run('serve', '--port', String(port), '--data', data, '--no-open')).toMatchObject({
      code: 2,
      err: expect.stringMatching(new RegExp(`Port ${port} is in use: choose another with --port`)),
    })
    busy.close()
    const file = join(data, 'a-file')
    writeFileSync(file, '')
    expect(await run('serve', '--port', '0', '--data', file)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/is not a folder/),
    })
  }, 30_000)

  it('refuses a bad port with status 2', async () => {
    const { code, err } = await run('serve', '--port', 'eighty')
    expect(code).toBe(2)
    expect(err).toMatch(/--port must be a whole number from 0 to 65535, got 'eighty'/)
  }, 30_000)
})
