import { describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import { createGraphVersionsRepo } from './graph-versions-repo'
import { createProjectsRepo } from './projects-repo'
import { openTestDb } from './test-kit'

const at = '2025-01-01T00:00:00.000Z'
const doc = chain([
  ['in', 'Input', { height: 8, width: 8, channels: 1 }],
  ['c', 'Conv2D', { filters: 2, kernelSize: 3 }],
])

function setup() {
  const { db } = openTestDb()
  createProjectsRepo(db).insert({
    id: 'p',
    name: 'P',
    createdAt: at,
    updatedAt: at,
    lastOpenedAt: null,
    viewState: null,
  })
  return { db, versions: createGraphVersionsRepo(db) }
}

describe('graph versions repository', () => {
  it('appends versions and reads the latest back as a document', () => {
    const { db, versions } = setup()
    expect(versions.latest('p')).toBeUndefined()
    const v1 = versions.append('p', doc, at, 'first')
    expect(versions.latest('p')).toEqual({ id: v1, document: doc })
    expect(versions.document(v1)).toEqual(doc)
    expect(versions.document(999)).toBeUndefined()
    db.close()
  })

  it('adds a version only when the document changed, whatever the key order', () => {
    const { db, versions } = setup()
    const first = versions.appendIfChanged('p', doc, at)
    expect(first.saved).toBe(true)
    // The same document with its keys in another order.
    const { nodes, edges, ...rest } = structuredClone(doc)
    const reordered = { edges, nodes, ...rest }
    reordered.nodes[1].params = { kernelSize: 3, filters: 2 }
    expect(versions.appendIfChanged('p', reordered, at)).toEqual({ versionId: first.versionId, saved: false })
    const moved = { ...doc, nodes: [{ ...doc.nodes[0], position: { x: 5, y: 5 } }, doc.nodes[1]] }
    const second = versions.appendIfChanged('p', moved, at)
    expect(second.saved).toBe(true)
    expect(second.versionId).toBeGreaterThan(first.versionId)
    expect(versions.count()).toBe(2)
    db.close()
  })

  it('lists versions newest first with their node counts', () => {
    const { db, versions } = setup()
    const v1 = versions.append('p', { ...doc, nodes: doc.nodes.slice(0, 1), edges: [] }, at)
    const v2 = versions.append('p', doc, '2025-01-02T00:00:00.000Z', 'two nodes')
    expect(versions.list('p')).toEqual([
      { id: v2, projectId: 'p', createdAt: '2025-01-02T00:00:00.000Z', note: 'two nodes', nodes: 2 },
      { id: v1, projectId: 'p', createdAt: at, note: null, nodes: 1 },
    ])
    db.close()
  })

  it('says which version cannot be read', () => {
    const { db, versions } = setup()
    const v = versions.append('p', doc, at)
    db.prepare(`UPDATE graph_versions SET document = '{"format": "keras"}' WHERE id = ?`).run(v)
    expect(() => versions.latest('p')).toThrow(`Graph version ${v} cannot be read: Not a CNN Studio graph`)
    db.close()
  })
})
