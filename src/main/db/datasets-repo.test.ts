import { describe, expect, it } from 'vitest'
import { createDatasetsRepo } from './datasets-repo'
import { openTestDb } from './test-db'

describe('datasets repository (real SQLite file)', () => {
  it('registers a dataset and updates it when its content changes', () => {
    const repo = createDatasetsRepo(openTestDb().db)
    const row = {
      id: 'fashion-mnist',
      name: 'Fashion-MNIST',
      source: 'builtin',
      path: '/usr/share/datasets/fashion-mnist',
      sizeBytes: 54_950_000,
      samples: 70_000,
      classes: ['a', 'b'],
      contentHash: 'h1',
    }
    repo.upsert(row, '2026-11-25T00:00:00Z')
    expect(repo.get('fashion-mnist')).toEqual(row)
    repo.upsert({ ...row, contentHash: 'h2' }, '2026-11-26T00:00:00Z')
    expect(repo.get('fashion-mnist')!.contentHash).toBe('h2')
    expect(repo.get('mnist')).toBeUndefined()
  })
})
