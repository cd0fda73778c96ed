import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'

const BIN = new URL('../../../bin/cnn-studio.js', import.meta.url).pathname

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

  it('refuses a bad port with status 2', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', 'eighty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    child.stderr!.on('data', (d) => (err += d))
    expect(await new Promise((r) => child.once('exit', r))).toBe(2)
    expect(err).toMatch(/--port must be a whole number from 0 to 65535, got 'eighty'/)
  }, 30_000)
})
