import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { METHOD_NAMES, type MethodName } from '../../src/shared/api/contract'
import type { GraphDocument } from '../../src/shared/graph/document'
import { getTemplate } from '../../src/shared/templates'
import { DB_FILE } from '../../src/main/data-dir'
import { createServices, type Services } from '../../src/main/services'
import { startServer, type RunningServer } from '../../src/main/transport/http-server'
import { fuzzOptions, mutatedJson, oddValue } from './test-kit'

/**
 * The HTTP API (browser mode) with the real services on a temporary data folder, fed random method
 * names, random bodies and mutated valid requests: no answer is a 500, the server keeps answering,
 * and a refused request leaves every table of the database as it was. Fixed seed, bounded runs
 * (test-kit.ts). Paths in requests are rewritten into the temporary folder, so nothing is written
 * anywhere else.
 *
 * Left out, with why:
 * - `datasets.download`: it fetches from the Internet (tested with a local server in catalog.test.ts).
 * - Generated JSON nests at most 64 levels; `DEEP_JSON` below replays a 10,000-deep case by hand
 *   (the body parser's depth limit refuses it with 400, test/faults/deep-json.test.ts covers the rest).
 */

const dir = mkdtempSync(join(tmpdir(), 'cnn-fuzz-http-'))
const staticDir = join(dir, 'renderer')
const dataDir = join(dir, 'data')
const outDir = join(dir, 'out')
mkdirSync(staticDir, { recursive: true })
mkdirSync(outDir, { recursive: true })
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>CNN Studio</title>')

let server: RunningServer
let services: Services
let reader: Database.Database
const ids: { lenet: string; huge: string; wide: string } = { lenet: '', huge: '', wide: '' }
let lenetDoc: GraphDocument

/** The first Conv2D of LeNet-5 with `filters`. */
function withFilters(doc: GraphDocument, filters: number): GraphDocument {
  const copy = structuredClone(doc)
  const conv = copy.nodes.find((n) => n.kind === 'Conv2D')!
  conv.params = { ...conv.params, filters }
  return copy
}

beforeAll(async () => {
  services = createServices({ dataDir })
  server = await startServer({ services, staticDir, maxBodyBytes: 1_000_000 })
  const create = async (name: string, filters?: number) => {
    const { project, document } = await services['projects.create']({ name, template: 'lenet5-mnist' })
    if (filters) await services['projects.save']({ id: project.id, document: withFilters(document, filters) })
    return project.id
  }
  ids.lenet = await create('lenet')
  ids.huge = await create('huge', 1e9) // an output beyond 2^31 elements: cannot be built
  ids.wide = await create('wide', 2000) // builds, but not in the wasm heap at batch 4096
  lenetDoc = getTemplate('lenet5-mnist')!.document
  reader = new Database(join(dataDir, DB_FILE), { readonly: true })
})

afterAll(async () => {
  reader?.close()
  await server?.close()
  await services?.close()
})

/** Every row of every table, as one string: equal strings, equal databases. */
function dump(): string {
  const tables = reader
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all() as { name: string }[]
  return JSON.stringify(tables.map(({ name }) => [name, reader.prepare(`SELECT * FROM "${name}"`).all()]))
}

function post(method: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: `/api/${encodeURIComponent(method).replace(/%2E/gi, '.')}`,
        method: 'POST',
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
        agent: false,
      },
      (res) => {
        let text = ''
        res.on('data', (c) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode!, text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** Keeps every path a request names inside the temporary folder (export paths, dataset folders). */
function confine(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  for (const [k, v] of Object.entries(value)) {
    if ((k === 'path' || k === 'folder') && typeof v === 'string')
      (value as Record<string, unknown>)[k] = join(outDir, basename(v).replace(/[^\w.-]/g, '_') || 'x')
    else confine(v)
  }
  return value
}

/**
 * Sends one request and checks the answer: an envelope, never a 500; when refused, the database
 * as it was. Returns the status.
 */
async function probe(method: string, body: unknown): Promise<number> {
  const before = dump()
  const text = typeof body === 'string' ? body : (JSON.stringify(confine(body)) ?? '')
  const r = await post(method, text)
  expect(r.status, `${method} ${text.slice(0, 300)} → ${r.text.slice(0, 300)}`).not.toBe(500)
  const envelope = JSON.parse(r.text) as { ok: boolean; error?: { code: string; message: string } }
  expect(envelope.ok).toBe(r.status === 200)
  if (!envelope.ok) {
    expect(envelope.error!.message.length).toBeGreaterThan(0)
    expect(dump(), `${method} ${text.slice(0, 300)} was refused but changed the database`).toBe(before)
  }
  return r.status
}

/** Every method but the one that goes to the Internet. */
const METHODS = METHOD_NAMES.filter((m) => m !== 'datasets.download')

describe('the HTTP API under fuzzing', () => {
  it('random method names and bodies: no 500, the database untouched by refusals', async () => {
    const name = fc.oneof(
      fc.constantFrom(...METHODS),
      fc.constantFrom(...METHODS).map((m) => `${m}x`),
      fc.string({ maxLength: 30 }),
    )
    const body = fc.oneof(oddValue, fc.string({ maxLength: 100 }))
    await fc.assert(
      fc.asyncProperty(name, body, async (m, b) => {
        await probe(m, b)
      }),
      fuzzOptions(250),
    )
  })

  it('random bodies for every method: no 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), oddValue, async (m, b) => {
        await probe(m, typeof b === 'object' && b !== null ? b : { value: b })
      }),
      fuzzOptions(250),
    )
  })

  it('mutated projects.save and graph.analyse requests', async () => {
    const save = mutatedJson({ id: ids.lenet, document: lenetDoc, note: 'n' })
    const analyse = mutatedJson({ document: lenetDoc })
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          save.map((b) => ['projects.save', b] as const),
          analyse.map((b) => ['graph.analyse', b] as const),
        ),
        async ([m, b]) => {
          await probe(m, b)
        },
      ),
      fuzzOptions(200),
    )
  })

  it('mutated training.start requests: refused ones create no run', async () => {
    const start = mutatedJson({
      projectId: ids.wide,
      dataset: { folder: 'no-such-folder' },
      hyperparameters: { batchSize: 4096, epochs: 1 },
      backend: 'wasm',
    })
    await fc.assert(
      fc.asyncProperty(start, async (b) => {
        await probe('training.start', b)
      }),
      fuzzOptions(60),
    )
  }, 60_000)

  it('mutated export.model requests for a graph too large to build: refused, nothing written', async () => {
    const exportIt = mutatedJson({ source: { projectId: ids.huge }, path: 'model.onnx', format: 'onnx' })
    await fc.assert(
      fc.asyncProperty(exportIt, async (b) => {
        await probe('export.model', b)
      }),
      fuzzOptions(8),
    )
  }, 60_000)

  it('refuses to train or export a graph with a tensor beyond 2^31 elements, saying why', async () => {
    const body = { source: { projectId: ids.huge }, path: join(outDir, 'huge.onnx') }
    const r = await post('export.model', JSON.stringify(body))
    expect(r.status).toBe(400)
    expect(JSON.parse(r.text).error.message).toMatch(
      /cannot be exported:\n- conv1: Its output holds .* more than 2\^31/,
    )
    const t = await post(
      'training.start',
      JSON.stringify({ projectId: ids.huge, dataset: { builtin: 'fashion-mnist' }, backend: 'wasm' }),
    )
    expect(t.status).toBe(400)
    expect(JSON.parse(t.text).error.message).toMatch(/cannot be trained:\n- conv1: Its output holds/)
    expect(await services['runs.list']({ id: ids.huge })).toEqual([])
  }, 30_000)

  it('DEEP_JSON: a document nested 10,000 deep is refused, not a 500', async () => {
    // As text: the test's own helpers recurse too.
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)
    const node = JSON.stringify({ ...lenetDoc.nodes[0], params: { x: 0 } }).replace(
      '{"x":0}',
      `{"x":${deep}}`,
    )
    const document = JSON.stringify({ ...lenetDoc, nodes: [] }).replace('"nodes":[]', `"nodes":[${node}]`)
    const body = `{"id":${JSON.stringify(ids.lenet)},"document":${document}}`
    expect(await probe('projects.save' satisfies MethodName, body)).toBe(400)
  })
})
