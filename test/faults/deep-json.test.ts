import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DB_FILE } from '../../src/main/data-dir'
import type { DB } from '../../src/main/db/connection'
import { openDataDatabase } from '../../src/main/db/open'
import { createServices, type Services } from '../../src/main/services'
import { startServer, type RunningServer } from '../../src/main/transport/http-server'
import { emptyFolder, inspectDatabase, tempDir } from './fault-test-kit'

/**
 * Issue 14: deeply nested JSON in node parameters answered 500 ("CHECK constraint failed:
 * json_valid" at 1,500 levels, "Maximum call stack size exceeded" at 20,000). Now a 400 naming
 * where, at any depth, through the real HTTP server with its real body limit; nothing is stored
 * and the server keeps answering.
 */

const root = tempDir('deep-json')
const data = path.join(root, 'data')
let db: DB
let services: Services
let server: RunningServer
let projectId: string
let template: Record<string, unknown>

beforeAll(async () => {
  db = openDataDatabase(data)
  services = createServices({ dataDir: data, db })
  const staticDir = emptyFolder(root, 'renderer')
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html>')
  server = await startServer({ services, staticDir })
  const opened = await services['projects.create']({ name: 'Target', template: 'lenet5' })
  projectId = opened.project.id
  template = opened.document as unknown as Record<string, unknown>
})
afterAll(async () => {
  await server.close()
  await services.close()
  db.close()
})

/** A body written as text: no JSON.stringify of a deep value (it would overflow here too). */
async function postText(method: string, body: string) {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body,
  })
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; error?: { code: string; message: string } },
  }
}

/** The template's document with `{"a":{"a":…}}` `levels` deep in the parameters of its node 3. */
function deepDocument(levels: number): string {
  const text = JSON.stringify(template)
  const nodes = (template.nodes as { id: string }[]).map((n) => JSON.stringify(n))
  const deep = `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`
  const node3 = nodes[3].replace('"params":{', `"params":{"deep":${deep},`)
  return text.replace(nodes[3], node3)
}

const WHERE = /nodes\[3\]\.params\.deep\.a\.a…: nested more than 400 levels deep/

describe('deeply nested parameters', () => {
  it.each([1_500, 20_000, 200_000])('%i levels: 400 naming where, nothing stored', async (levels) => {
    const doc = deepDocument(levels)
    const save = await postText('projects.save', `{"id":"${projectId}","document":${doc}}`)
    expect(save.status).toBe(400)
    expect(save.body.error?.code).toBe('bad-request')
    expect(save.body.error?.message).toMatch(/^Invalid request for projects\.save: /)
    expect(save.body.error?.message).toMatch(WHERE)

    const analyse = await postText('graph.analyse', `{"document":${doc}}`)
    expect(analyse.status).toBe(400)
    expect(analyse.body.error?.message).toMatch(WHERE)

    const imported = await postText('projects.import', `{"file":${doc}}`)
    expect(imported.status).toBe(400)
    expect(imported.body.error?.code).toBe('invalid')
    expect(imported.body.error?.message).toMatch(WHERE)

    expect(await services['projects.versions']({ id: projectId })).toHaveLength(1)
  })

  it('a body nested millions of levels (under the 64 MB limit) is refused and the server keeps answering', async () => {
    // 12 MB: JSON.parse reads it (it is not recursive), the depth check stops at level 401.
    const doc = deepDocument(2_000_000)
    for (const [method, body] of [
      ['projects.import', `{"file":${doc}}`],
      ['projects.save', `{"id":"${projectId}","document":${doc}}`],
    ]) {
      const r = await postText(method, body)
      expect(r.status).toBe(400)
      expect(r.body.error?.message).toMatch(WHERE)
    }
    expect((await postText('templates.list', '{}')).status).toBe(200)
    expect(inspectDatabase(path.join(data, DB_FILE))).toEqual({ integrity: 'ok', projects: ['Target'] })
  })
})
