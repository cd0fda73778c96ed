import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApiError, type Request } from '../../shared/api/contract'
import { dispatch } from '../../shared/api/dispatch'
import type { ProjectFile } from '../../shared/api/projects'
import { emptyDocument, type GraphDocument } from '../../shared/graph/document'
import { inferGraph } from '../../shared/graph/infer'
import { chain } from '../../shared/graph/test-kit'
import { getTemplate, TEMPLATES } from '../../shared/templates'
import type { DB } from '../db/connection'
import { openTestDb } from '../db/test-kit'
import { createProjectsService, type ProjectsService } from './projects-service'

const doc = chain([
  ['in', 'Input', { height: 8, width: 8, channels: 1 }],
  ['c', 'Conv2D', { filters: 2, kernelSize: 3 }],
])
const view = { viewport: { x: 12, y: -40, zoom: 0.75 }, selection: ['c'] }

let db: DB
let service: ProjectsService
let clock: number

beforeEach(() => {
  db = openTestDb().db
  clock = Date.UTC(2025, 0, 1)
  // Each reading of the clock is one second later: orderings never tie.
  service = createProjectsService(() => db, { templates: TEMPLATES, now: () => new Date((clock += 1000)) })
})
afterEach(() => db.close())

/** Row counts of the tables the service writes. */
const counts = () =>
  Object.fromEntries(
    ['projects', 'graph_versions', 'settings'].map((t) => [
      t,
      db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${t}`).get()!.n,
    ]),
  )

/** Calls a method and returns the ApiError it throws. */
async function failure(call: () => unknown): Promise<ApiError> {
  try {
    await call()
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError)
    return e as ApiError
  }
  throw new Error('expected an ApiError')
}

const create = async (name: string, template?: string) =>
  (await service['projects.create']({ name, template })).project
const save = (request: Request<'projects.save'>) => service['projects.save'](request)

describe('projects.create', () => {
  it('makes a blank project with one empty version and opens it', async () => {
    const created = await service['projects.create']({ name: 'Blank' })
    expect(created.document).toEqual(emptyDocument('Blank'))
    expect(created.viewState).toBeNull()
    expect(created.project).toMatchObject({ name: 'Blank', nodes: 0, trainable: 0, macs: 0 })
    expect(created.project.lastOpenedAt).toBe(created.project.createdAt)
    expect(created.project.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(await service['session.last']({})).toBe(created.project.id)
    expect(counts()).toEqual({ projects: 1, graph_versions: 1, settings: 1 })
  })

  it('copies a built-in template, with totals inferred from it', async () => {
    const created = await service['projects.create']({ name: 'Mine', template: 'lenet5' })
    const template = getTemplate('lenet5')!.document
    expect(created.document).toEqual(template)
    const { trainable, macs } = inferGraph(template).totals
    expect(created.project).toMatchObject({ nodes: template.nodes.length, trainable, macs })
    expect(trainable).toBeGreaterThan(0)
  })

  it('answers not-found for an unknown template and writes nothing', async () => {
    const e = await failure(() => create('x', 'vgg99'))
    expect(e.code).toBe('not-found')
    expect(e.message).toMatch(/^No template named 'vgg99'\. Known templates: lenet5, /)
    expect(counts()).toEqual({ projects: 0, graph_versions: 0, settings: 0 })
  })
})

describe('projects.open', () => {
  it('returns the latest document and view, and remembers the project as last opened', async () => {
    const a = await create('A')
    const b = await create('B')
    await save({ id: a.id, document: doc, viewState: view })
    expect(await service['session.last']({})).toBe(b.id)
    const opened = await service['projects.open']({ id: a.id })
    expect(opened.document).toEqual(doc)
    expect(opened.viewState).toEqual(view)
    expect(opened.project).toMatchObject({ id: a.id, nodes: 2 })
    expect(opened.project.lastOpenedAt! > a.lastOpenedAt!).toBe(true)
    expect(await service['session.last']({})).toBe(a.id)
    expect((await service['projects.list']({}))[0].id).toBe(a.id)
  })

  it('answers not-found for an unknown id', async () => {
    const e = await failure(() => service['projects.open']({ id: 'nope' }))
    expect(e).toMatchObject({
      code: 'not-found',
      message: "No project with id 'nope': it may have been deleted.",
    })
  })
})

describe('projects.save', () => {
  it('adds a version only when the document changed', async () => {
    const { id } = await create('P')
    const first = await save({ id, document: doc })
    expect(first.saved).toBe(true)
    const updatedAt = (await service['projects.open']({ id })).project.updatedAt
    expect(await save({ id, document: structuredClone(doc) })).toEqual({
      versionId: first.versionId,
      saved: false,
    })
    expect((await service['projects.open']({ id })).project.updatedAt).toBe(updatedAt)
    expect(await service['projects.versions']({ id })).toHaveLength(2)
    const moved: GraphDocument = {
      ...doc,
      nodes: [{ ...doc.nodes[0], position: { x: 1, y: 2 } }, doc.nodes[1]],
    }
    const second = await save({ id, document: moved, note: 'moved the input' })
    expect(second).toEqual({ versionId: second.versionId, saved: true })
    expect((await service['projects.versions']({ id }))[0]).toMatchObject({
      nodes: 2,
      note: 'moved the input',
    })
  })

  it('stores the view even when the document is unchanged, and clears it with null', async () => {
    const { id } = await create('P')
    const { versionId } = await service['projects.open']({ id })
    expect(await save({ id, document: emptyDocument('P'), viewState: view })).toEqual({
      versionId,
      saved: false,
    })
    expect((await service['projects.open']({ id })).viewState).toEqual(view)
    await save({ id, document: emptyDocument('P') })
    expect((await service['projects.open']({ id })).viewState).toEqual(view)
    await save({ id, document: emptyDocument('P'), viewState: null })
    expect((await service['projects.open']({ id })).viewState).toBeNull()
  })

  it('answers conflict when another save came in since the base version, and writes nothing', async () => {
    const opened = await service['projects.create']({ name: 'P' })
    const { id } = opened.project
    await save({ id, document: doc, baseVersionId: opened.versionId })
    const before = counts()
    const e = await failure(() => save({ id, document: emptyDocument(), baseVersionId: opened.versionId }))
    expect(e.code).toBe('conflict')
    expect(e.message).toMatch(/saved elsewhere/)
    expect(counts()).toEqual(before)
  })

  it('answers not-found for an unknown project', async () => {
    expect((await failure(() => save({ id: 'gone', document: doc }))).code).toBe('not-found')
    expect(counts().graph_versions).toBe(0)
  })
})

describe('projects.list', () => {
  it('lists recent first, with totals from the latest version', async () => {
    expect(await service['projects.list']({})).toEqual([])
    const a = await create('A')
    const b = await create('B', 'resnet18')
    await save({ id: a.id, document: doc })
    const list = await service['projects.list']({})
    expect(list.map((p) => p.name)).toEqual(['A', 'B'])
    expect(list[0]).toMatchObject({ nodes: 2, trainable: inferGraph(doc).totals.trainable })
    expect(list[1]).toMatchObject({ id: b.id, trainable: 11_689_512 })
    expect(Object.keys(list[0]).sort()).toEqual(
      ['createdAt', 'id', 'lastOpenedAt', 'macs', 'name', 'nodes', 'trainable', 'updatedAt'].sort(),
    )
  })
})

describe('projects.rename', () => {
  it('renames and moves the project up the list', async () => {
    const a = await create('A')
    await create('B')
    const renamed = await service['projects.rename']({ id: a.id, name: 'Alpha' })
    expect(renamed).toMatchObject({ id: a.id, name: 'Alpha' })
    expect(renamed.updatedAt > a.updatedAt).toBe(true)
    expect((await service['projects.list']({}))[0].name).toBe('Alpha')
    expect((await failure(() => service['projects.rename']({ id: 'x', name: 'y' }))).code).toBe('not-found')
  })
})

describe('projects.duplicate', () => {
  it('copies the latest document and view into a new project named "(copy)"', async () => {
    const a = await create('Net')
    await save({ id: a.id, document: doc, viewState: view })
    const copy = await service['projects.duplicate']({ id: a.id })
    expect(copy.name).toBe('Net (copy)')
    expect(copy.id).not.toBe(a.id)
    expect(copy.lastOpenedAt).toBeNull()
    const opened = await service['projects.open']({ id: copy.id })
    expect(opened.document).toEqual(doc)
    expect(opened.viewState).toEqual(view)
    expect(await service['projects.versions']({ id: copy.id })).toHaveLength(1)
  })

  it('keeps a long name within the limit', async () => {
    const a = await create('n'.repeat(200))
    const copy = await service['projects.duplicate']({ id: a.id })
    expect(copy.name).toHaveLength(200)
    expect(copy.name.endsWith('n (copy)')).toBe(true)
  })
})

describe('projects.delete', () => {
  it('deletes the project and all its versions, and forgets it as the last opened', async () => {
    const keep = await create('Keep')
    const a = await create('A')
    await save({ id: a.id, document: doc })
    expect(counts()).toEqual({ projects: 2, graph_versions: 3, settings: 1 })
    expect(await service['projects.delete']({ id: a.id })).toEqual({ id: a.id })
    expect(counts()).toEqual({ projects: 1, graph_versions: 1, settings: 0 })
    expect(db.prepare(`SELECT count(*) AS n FROM graph_versions WHERE project_id = ?`).get(a.id)).toEqual({
      n: 0,
    })
    expect(await service['session.last']({})).toBeNull()
    expect((await failure(() => service['projects.delete']({ id: a.id }))).code).toBe('not-found')
    expect((await service['projects.list']({})).map((p) => p.id)).toEqual([keep.id])
  })
})

describe('projects.versions', () => {
  it('lists every saved version newest first, with node counts', async () => {
    const { id, createdAt } = await create('P')
    await save({ id, document: doc })
    const versions = await service['projects.versions']({ id })
    expect(versions).toHaveLength(2)
    expect(versions[0]).toMatchObject({ nodes: 2, note: null })
    expect(versions[1]).toMatchObject({ nodes: 0, note: null, createdAt })
    expect(versions[0].id).toBeGreaterThan(versions[1].id)
    expect((await failure(() => service['projects.versions']({ id: 'x' }))).code).toBe('not-found')
  })
})

describe('projects.export and projects.import', () => {
  it('round-trips a project through a .cnnproj.json file', async () => {
    const a = await create('Round trip', 'googlenet')
    await save({ id: a.id, document: doc, viewState: view })
    const file = await service['projects.export']({ id: a.id })
    expect(file).toMatchObject({
      format: 'cnn-studio/project',
      version: 1,
      name: 'Round trip',
      document: doc,
      viewState: view,
    })
    expect(file.exportedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    const imported = await service['projects.import']({ file: JSON.parse(JSON.stringify(file)) })
    expect(imported.id).not.toBe(a.id)
    expect(imported).toMatchObject({ name: 'Round trip', nodes: 2 })
    const again = await service['projects.export']({ id: imported.id })
    expect({ ...again, exportedAt: '' }).toEqual({ ...file, exportedAt: '' })
  })

  it('imports a bare graph document as a project named after it', async () => {
    const imported = await service['projects.import']({ file: { ...doc, name: 'From inspect' } })
    expect(imported).toMatchObject({ name: 'From inspect', nodes: 2 })
    expect((await service['projects.open']({ id: imported.id })).viewState).toBeNull()
  })

  it('refuses a malformed file, naming the problem, and leaves the database unchanged', async () => {
    const a = await create('A')
    const good: ProjectFile = await service['projects.export']({ id: a.id })
    const before = counts()
    const cases: [unknown, string | RegExp][] = [
      ['just text', 'A project file must be a JSON object with "format", "version", "name" and "document".'],
      [[good], /must be a JSON object/],
      [
        { ...good, format: 'nnc/project' },
        'Not a CNN Studio project: "format" is "nnc/project", expected "cnn-studio/project" (or a "cnn-studio/graph" document).',
      ],
      [
        { ...good, version: 2 },
        /exported by a newer CNN Studio \(project file version 2; this one reads up to 1\)/,
      ],
      [{ ...good, name: '' }, /^Invalid project file: name: a project needs a name/],
      [{ ...good, extra: 1 }, /^Invalid project file: .*extra/],
      [
        { ...good, viewState: { viewport: { x: 0, y: 0, zoom: -1 }, selection: [] } },
        /viewState\.viewport\.zoom/,
      ],
      [
        { ...good, document: undefined },
        /^Invalid project file: "document": A graph document must be a JSON object/,
      ],
      [
        { ...good, document: { ...good.document, nodes: [{ id: 42, kind: 'Input' }] } },
        /^Invalid project file: "document": Invalid graph document: nodes\[0\]\.id: /,
      ],
      [{ ...doc, edges: 'none' }, /^Invalid graph document: edges: /],
    ]
    for (const [file, message] of cases) {
      const e = await failure(() => service['projects.import']({ file }))
      expect(e.code, JSON.stringify(file).slice(0, 80)).toBe('invalid')
      if (typeof message === 'string') expect(e.message).toBe(message)
      else expect(e.message).toMatch(message)
    }
    expect(counts()).toEqual(before)
  })
})

describe('session.last', () => {
  it('is null before any project is opened', async () => {
    expect(await service['session.last']({})).toBeNull()
    await service['projects.import']({ file: doc })
    expect(await service['session.last']({})).toBeNull()
  })
})

describe('through dispatch', () => {
  it('refuses malformed payloads before the service runs, leaving the database unchanged', async () => {
    const { id } = await create('P')
    const before = counts()
    const bad: [string, unknown][] = [
      ['projects.create', { name: '' }],
      ['projects.create', { name: '   ' }],
      ['projects.create', { name: 'x'.repeat(201) }],
      ['projects.create', { name: 'ok', template: 7 }],
      ['projects.create', { name: 'ok', extra: true }],
      ['projects.save', { id, document: { ...doc, nodes: 'many' } }],
      ['projects.save', { id, document: doc, viewState: { viewport: { x: 0, y: 0 }, selection: [] } }],
      ['projects.save', { id, document: doc, baseVersionId: 0 }],
      ['projects.save', { id }],
      ['projects.rename', { id, name: 'y'.repeat(300) }],
      ['projects.delete', {}],
      ['projects.delete', { id: 'x'.repeat(65) }],
      ['projects.import', { file: doc, name: 'x' }],
      ['session.last', { id }],
    ]
    for (const [method, payload] of bad) {
      const r = await dispatch(service, method, payload)
      expect(r, `${method} ${JSON.stringify(payload).slice(0, 60)}`).toMatchObject({
        ok: false,
        error: { code: 'bad-request' },
      })
      if (!r.ok)
        expect(r.error.message).toMatch(new RegExp(`^Invalid request for ${method.replace('.', '\\.')}: `))
    }
    expect(counts()).toEqual(before)
  })

  it('trims names and answers ApiErrors as envelopes', async () => {
    const r = await dispatch(service, 'projects.create', { name: '  Spaced  ' })
    expect(r).toMatchObject({ ok: true, value: { project: { name: 'Spaced' } } })
    expect(await dispatch(service, 'projects.open', { id: 'missing' })).toEqual({
      ok: false,
      error: { code: 'not-found', message: "No project with id 'missing': it may have been deleted." },
    })
  })
})
