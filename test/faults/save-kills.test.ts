import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { DB_FILE } from '../../src/main/data-dir'
import { inspectDatabase, sleep, source, startScript, tempDir } from './fault-test-kit'

/**
 * Issue 14: SIGKILL while projects are being saved. A child saves a project over and over through
 * the services, printing each save once it is acknowledged; it is killed at a different point each
 * time. After every kill the database passes `PRAGMA integrity_check` and holds every acknowledged
 * save (the one in flight may be there too: it committed, the kill came before the acknowledgement).
 */

const KILLS = 4

const saver = (dataDir: string, from: number) => `
  const { createServices } = await import(${source('src/main/services/index.ts')})
  const { dispatch } = await import(${source('src/shared/api/dispatch.ts')})
  const s = createServices({ dataDir: ${JSON.stringify(dataDir)} })
  const found = (await s['projects.list']({})).find((p) => p.name === 'Saved often')
  const id = found ? found.id : (await s['projects.create']({ name: 'Saved often', template: 'lenet5' })).project.id
  const { document } = await s['projects.open']({ id })
  for (let i = ${from}; ; i++) {
    // As a transport calls it: the request parsed with its schema first.
    const r = await dispatch(s, 'projects.save', {
      id,
      document: { ...document, description: 'save ' + i },
      viewState: { viewport: { x: i, y: 0, zoom: 1 }, selection: [] },
    })
    if (!r.ok) throw new Error(r.error.message)
    console.log('saved ' + i)
  }`

/** The saves the database holds, by number, and the latest one. */
function savesIn(file: string): { numbers: Set<number>; latest: number } {
  const db = new Database(file, { fileMustExist: true })
  try {
    const rows = db
      .prepare(
        "SELECT json_extract(document, '$.description') AS d FROM graph_versions WHERE d LIKE 'save %' ORDER BY id",
      )
      .all() as { d: string }[]
    const numbers = rows.map((r) => Number(r.d.slice('save '.length)))
    return { numbers: new Set(numbers), latest: numbers[numbers.length - 1] ?? 0 }
  } finally {
    db.close()
  }
}

describe('SIGKILL while saving projects', () => {
  it(`keeps the database whole and every acknowledged save, over ${KILLS} kills`, async () => {
    const dataDir = tempDir('save-kills')
    const file = path.join(dataDir, DB_FILE)
    const acknowledged: number[] = []
    for (let k = 0; k < KILLS; k++) {
      const from = (acknowledged[acknowledged.length - 1] ?? 0) + 1
      const child = startScript(saver(dataDir, from))
      await child.waitFor((l) => l.startsWith('saved '))
      // Somewhere in the next few dozen saves.
      await sleep(20 + ((k * 137) % 250))
      await child.kill()
      const acked = child.lines.filter((l) => l.startsWith('saved ')).map((l) => Number(l.slice(6)))
      acknowledged.push(...acked)

      const { integrity, projects } = inspectDatabase(file)
      expect(integrity).toBe('ok')
      expect(projects).toEqual(['Saved often'])
      const { numbers, latest } = savesIn(file)
      expect(acked.filter((n) => !numbers.has(n))).toEqual([])
      const last = acked[acked.length - 1]
      expect([last, last + 1]).toContain(latest)
      // The next child continues after what the database holds, acknowledged or not.
      if (latest > last) acknowledged.push(latest)
    }
    expect(acknowledged.length).toBeGreaterThan(KILLS)
  }, 180_000)
})
