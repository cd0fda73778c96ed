import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DB_FILE } from '../../src/main/data-dir'
import type { DB } from '../../src/main/db/connection'
import { openDataDatabase } from '../../src/main/db/open'
import { createServices, type Services } from '../../src/main/services'
import { startServer, type RunningServer } from '../../src/main/transport/http-server'
import { cli, emptyFolder, inspectDatabase, tempDir, tempsIn } from './fault-test-kit'

/**
 * Issue 14: `export.model` onto the data folder's database answered 200 and destroyed every
 * project. The refusals, through a server built from the services as `cnn-studio serve` builds it
 * and through the CLI, and the overwrite rule for existing targets.
 */

const root = tempDir('export')
const data = path.join(root, 'data')
const outside = emptyFolder(root, 'out')
let db: DB
let services: Services
let server: RunningServer

beforeAll(async () => {
  db = openDataDatabase(data)
  services = createServices({ dataDir: data, db })
  const staticDir = emptyFolder(root, 'renderer')
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>CNN Studio</title>')
  server = await startServer({ services, staticDir })
  await services['projects.create']({ name: 'Alpha', template: 'lenet5' })
  await services['projects.create']({ name: 'Beta' })
})
afterAll(async () => {
  await server.close()
  await services.close()
  db.close()
})

async function post(method: string, body: unknown) {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; error?: { code: string; message: string } },
  }
}

const exportLenet = (target: string, extra: Record<string, unknown> = {}) =>
  post('export.model', { source: { template: 'lenet5' }, path: target, ...extra })

/** What the database holds, read by a fresh connection as after a restart. */
const projectsNow = () => inspectDatabase(path.join(data, DB_FILE))

describe("the data folder's own files are never export targets", () => {
  const dbFile = path.join(data, DB_FILE)
  const link = path.join(root, 'link-to-data')
  beforeAll(() => {
    symlinkSync(data, link)
    mkdirSync(path.join(data, 'datasets', 'mnist'), { recursive: true })
  })

  it.each([
    ['the database', () => dbFile],
    ['its write-ahead log', () => `${dbFile}-wal`],
    ['its shared-memory file', () => `${dbFile}-shm`],
    ['the database through ..', () => path.join(data, 'x', '..', DB_FILE)],
    ['the database through a symbolic link', () => path.join(link, DB_FILE)],
    ['the database in another case', () => path.join(data, 'CNN-Studio.DB')],
  ])('%s: refused with invalid (400), even with overwrite', async (_, target) => {
    for (const overwrite of [false, true]) {
      const r = await exportLenet(target(), { overwrite })
      expect(r.status).toBe(400)
      expect(r.body.error?.code).toBe('invalid')
      expect(r.body.error?.message).toMatch(/project database/)
      expect(r.body.error?.message).toMatch(/Choose a file outside/)
    }
    expect(projectsNow()).toEqual({ integrity: 'ok', projects: ['Alpha', 'Beta'] })
  })

  it('the datasets folder, as an ONNX file or a TF.js folder', async () => {
    const onnx = await exportLenet(path.join(data, 'datasets', 'mnist', 'm.onnx'))
    expect(onnx.status).toBe(400)
    expect(onnx.body.error?.message).toMatch(/datasets/)
    const tfjs = await exportLenet(path.join(link, 'datasets'), { format: 'tfjs', overwrite: true })
    expect(tfjs.status).toBe(400)
    expect(tfjs.body.error?.message).toMatch(/datasets/)
  })

  it('the CLI refuses too (exit status 1), and the projects are still there', () => {
    const r = cli(['export', 'lenet5', '--out', dbFile, '--data', data, '--force'])
    expect(r.status, r.stderr).toBe(1)
    expect(r.stderr).toMatch(/cnn-studio export: .*project database/)
    expect(projectsNow()).toEqual({ integrity: 'ok', projects: ['Alpha', 'Beta'] })
  })
})

describe('an existing target is replaced only when confirmed', () => {
  it('ONNX over HTTP: conflict (409) and untouched without overwrite; replaced with it', async () => {
    const out = path.join(outside, 'model.onnx')
    writeFileSync(out, 'precious')
    const refused = await exportLenet(out)
    expect(refused.status).toBe(409)
    expect(refused.body.error).toMatchObject({ code: 'conflict' })
    expect(refused.body.error?.message).toBe(
      `${out} already exists. Choose another name, or confirm replacing it (--force on the command line; the Export dialog asks).`,
    )
    expect(readFileSync(out, 'utf8')).toBe('precious')
    const replaced = await exportLenet(out, { overwrite: true })
    expect(replaced.status).toBe(200)
    expect(readFileSync(out).length).toBeGreaterThan(200_000)
    expect(tempsIn(outside)).toEqual([])
  })

  it('a TF.js folder holding model.json: refused, then replaced', async () => {
    const folder = emptyFolder(outside, 'tfjs')
    writeFileSync(path.join(folder, 'model.json'), '{"old":true}')
    writeFileSync(path.join(folder, 'notes.txt'), 'mine')
    const refused = await exportLenet(folder, { format: 'tfjs' })
    expect(refused.status).toBe(409)
    expect(refused.body.error?.message).toMatch(/model\.json already exists/)
    expect(readFileSync(path.join(folder, 'model.json'), 'utf8')).toBe('{"old":true}')
    expect((await exportLenet(folder, { format: 'tfjs', overwrite: true })).status).toBe(200)
    expect(JSON.parse(readFileSync(path.join(folder, 'model.json'), 'utf8')).format).toBe('layers-model')
    expect(readFileSync(path.join(folder, 'notes.txt'), 'utf8')).toBe('mine')
    expect(tempsIn(folder)).toEqual([])
  })

  it('the CLI: exit status 1 without --force, replaced with it', () => {
    const out = path.join(outside, 'cli.onnx')
    writeFileSync(out, 'precious')
    const refused = cli(['export', 'lenet5', '--out', out, '--data', data])
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/already exists\. Choose another name, or confirm replacing it \(--force/)
    expect(readFileSync(out, 'utf8')).toBe('precious')
    const forced = cli(['export', 'lenet5', '--out', out, '--data', data, '--force', '--json'])
    expect(forced.status, forced.stderr).toBe(0)
    expect(JSON.parse(forced.stdout).out).toBe(out)
    expect(readFileSync(out).length).toBeGreaterThan(200_000)
  })
})
