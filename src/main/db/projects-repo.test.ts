import { describe, expect, it } from 'vitest'
import { emptyDocument } from '../../shared/graph/document'
import { createGraphVersionsRepo } from './graph-versions-repo'
import { createProjectsRepo, type ProjectRow } from './projects-repo'
import { openTestDb } from './test-kit'

const row = (id: string, at: string, lastOpenedAt: string | null = null): ProjectRow => ({
  id,
  name: `Project ${id}`,
  createdAt: at,
  updatedAt: at,
  lastOpenedAt,
  viewState: null,
})

describe('projects repository', () => {
  it('inserts, reads, updates and deletes', () => {
    const { db } = openTestDb()
    const repo = createProjectsRepo(db)
    repo.insert(row('a', '2025-01-01T00:00:00.000Z'))
    expect(repo.get('a')).toEqual(row('a', '2025-01-01T00:00:00.000Z'))
    expect(repo.get('zz')).toBeUndefined()
    expect(repo.rename('a', 'Renamed', '2025-01-02T00:00:00.000Z')).toBe(true)
    expect(repo.markOpened('a', '2025-01-03T00:00:00.000Z')).toBe(true)
    const view = { viewport: { x: -10, y: 20.5, zoom: 1.25 }, selection: ['n1', 'n2'] }
    expect(repo.setViewState('a', view)).toBe(true)
    expect(repo.get('a')).toMatchObject({
      name: 'Renamed',
      updatedAt: '2025-01-02T00:00:00.000Z',
      lastOpenedAt: '2025-01-03T00:00:00.000Z',
      viewState: view,
    })
    expect(repo.rename('zz', 'x', '2025')).toBe(false)
    expect(repo.delete('a')).toBe(true)
    expect(repo.delete('a')).toBe(false)
    expect(repo.count()).toBe(0)
    db.close()
  })

  it('stores names as given: quotes and SQL in a name are just text', () => {
    const { db } = openTestDb()
    const repo = createProjectsRepo(db)
    const name = `Robert'); DROP TABLE projects;--`
    repo.insert({ ...row('q', '2025-01-01T00:00:00.000Z'), name })
    expect(repo.get('q')!.name).toBe(name)
    expect(repo.count()).toBe(1)
    db.close()
  })

  it('lists the most recently opened or changed first, with the latest version id', () => {
    const { db } = openTestDb()
    const repo = createProjectsRepo(db)
    const versions = createGraphVersionsRepo(db)
    repo.insert(row('old', '2025-01-01T00:00:00.000Z'))
    repo.insert(row('opened', '2025-01-02T00:00:00.000Z', '2025-03-01T00:00:00.000Z'))
    repo.insert(row('changed', '2025-02-01T00:00:00.000Z'))
    versions.append('old', emptyDocument(), '2025-01-01T00:00:00.000Z')
    const v = versions.append('old', { ...emptyDocument(), name: 'v2' }, '2025-01-01T00:00:00.000Z')
    expect(repo.list().map((p) => [p.id, p.latestVersionId])).toEqual([
      ['opened', null],
      ['changed', null],
      ['old', v],
    ])
    db.close()
  })

  it('drops a stored view state that no longer parses', () => {
    const { db } = openTestDb()
    const repo = createProjectsRepo(db)
    repo.insert(row('a', '2025-01-01T00:00:00.000Z'))
    db.prepare(`UPDATE projects SET view_state = '{"zoom": 2}' WHERE id = 'a'`).run()
    expect(repo.get('a')!.viewState).toBeNull()
    db.close()
  })
})
