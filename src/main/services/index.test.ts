import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { METHOD_NAMES } from '../../shared/api/contract'
import { dispatch } from '../../shared/api/dispatch'
import { DB_FILE } from '../data-dir'
import { tempDir } from '../db/test-kit'
import { createServices } from '.'

describe('createServices', () => {
  const dataDir = tempDir('cnn-studio-services-')
  const services = createServices({ dataDir })

  it('serves every method of the contract', () => {
    // Plus `settled` and `close`, which the entry points use to wait for and end training, and the kept downloads.
    expect(Object.keys(services).sort()).toEqual([...METHOD_NAMES, 'close', 'downloads', 'settled'].sort())
  })

  it('lists the built-in templates, and each one opens and analyses without error', async () => {
    const list = await services['templates.list']({})
    expect(list.length).toBeGreaterThan(0)
    for (const t of list) {
      const doc = await dispatch(services, 'templates.get', { name: t.name })
      expect(doc.ok, t.name).toBe(true)
      if (!doc.ok) continue
      const analysis = await dispatch(services, 'graph.analyse', { document: doc.value })
      expect(analysis).toMatchObject({ ok: true, value: { errors: [], documentErrors: [] } })
      expect(t.trainable, t.name).toBeGreaterThan(0)
    }
  })

  it('opens the database on the first project call only, and keeps projects across restarts', async () => {
    expect(existsSync(path.join(dataDir, DB_FILE))).toBe(false)
    const created = await dispatch(services, 'projects.create', { name: 'Kept', template: 'lenet5' })
    expect(created).toMatchObject({ ok: true, value: { project: { name: 'Kept' } } })
    expect(existsSync(path.join(dataDir, DB_FILE))).toBe(true)
    // A second process on the same folder (the app restarted, or `cnn-studio serve` beside it).
    const restarted = createServices({ dataDir })
    const last = await restarted['session.last']({})
    expect(last).toBe((await restarted['projects.list']({}))[0].id)
    expect((await restarted['projects.open']({ id: last! })).project.name).toBe('Kept')
  })

  it('answers unavailable, saying why, when the database cannot be opened, and recovers once fixed', async () => {
    const dir = tempDir('cnn-studio-services-')
    const file = path.join(dir, DB_FILE)
    writeFileSync(file, 'not a database')
    const broken = createServices({ dataDir: dir })
    const r = await dispatch(broken, 'projects.list', {})
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    if (!r.ok) expect(r.error.message).toContain(`${file} is not a SQLite database`)
    expect(readFileSync(file, 'utf8')).toBe('not a database')
    // The templates still work without a database.
    expect(await dispatch(broken, 'templates.list', {})).toMatchObject({ ok: true })
    rmSync(file)
    expect(await dispatch(broken, 'projects.list', {})).toEqual({ ok: true, value: [] })
  })

  it('keeps what was saved when the process is killed right after', async () => {
    const dir = tempDir('cnn-studio-services-')
    const services = new URL('./index.ts', import.meta.url).pathname
    const script = `
      const { createServices } = await import(${JSON.stringify(services)})
      const s = createServices({ dataDir: ${JSON.stringify(dir)} })
      const { project, document } = await s['projects.create']({ name: 'Survivor' })
      await s['projects.save']({ id: project.id, document: { ...document, description: 'saved' } })
      process.kill(process.pid, 'SIGKILL')`
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(child.signal, child.stderr).toBe('SIGKILL')
    const after = createServices({ dataDir: dir })
    const [survivor] = await after['projects.list']({})
    expect(survivor.name).toBe('Survivor')
    expect((await after['projects.open']({ id: survivor.id })).document.description).toBe('saved')
  })
})
