import { describe, expect, it } from 'vitest'
import { createDatasetsRepo, type DatasetRow } from './datasets-repo'
import { openTestDb } from './test-kit'

const fashion: DatasetRow = {
  id: 'fashion-mnist',
  name: 'Fashion-MNIST',
  source: 'builtin',
  path: '/usr/share/datasets/fashion-mnist',
  sizeBytes: 30_878_531,
  samples: 70_000,
  classes: ['T-shirt/top', 'Trouser'],
  contentHash: 'a'.repeat(64),
}

describe('datasets repository (real SQLite file)', () => {
  it('registers a dataset and reads it back with when it was registered', () => {
    const repo = createDatasetsRepo(openTestDb().db)
    repo.register(fashion, '2026-11-25T00:00:00Z')
    expect(repo.get('fashion-mnist')).toEqual({ ...fashion, createdAt: '2026-11-25T00:00:00Z' })
    expect(repo.get('mnist')).toBeUndefined()
  })

  it('updates every field when registered again (its files changed), keeping the creation time', () => {
    const repo = createDatasetsRepo(openTestDb().db)
    repo.upsert(fashion, '2026-11-25T00:00:00Z')
    repo.upsert(
      { ...fashion, contentHash: 'b'.repeat(64), path: '/data/fashion', samples: 69_999 },
      '2026-11-26T00:00:00Z',
    )
    expect(repo.get('fashion-mnist')).toEqual({
      ...fashion,
      contentHash: 'b'.repeat(64),
      path: '/data/fashion',
      samples: 69_999,
      createdAt: '2026-11-25T00:00:00Z',
    })
  })

  it('updates some fields of a registered dataset, and says when there is none', () => {
    const repo = createDatasetsRepo(openTestDb().db)
    repo.register(fashion, '2026-11-25T00:00:00Z')
    expect(repo.update('fashion-mnist', { contentHash: 'c'.repeat(64), sizeBytes: 1 })).toBe(true)
    expect(repo.get('fashion-mnist')).toMatchObject({ ...fashion, contentHash: 'c'.repeat(64), sizeBytes: 1 })
    expect(repo.update('mnist', { sizeBytes: 1 })).toBe(false)
    expect(repo.get('mnist')).toBeUndefined()
  })

  it('lists datasets by name, unknown sample counts and hashes as null, and forgets one', () => {
    const repo = createDatasetsRepo(openTestDb().db)
    const folder: DatasetRow = {
      id: 'folder:/home/me/pets',
      name: 'pets',
      source: 'folder',
      path: '/home/me/pets',
      sizeBytes: 1234,
      samples: null,
      classes: ['cats', 'dogs'],
      contentHash: null,
    }
    repo.register(folder, '2026-11-25T00:00:00Z')
    repo.register({ ...fashion, id: 'cifar10', name: 'CIFAR-10' }, '2026-11-25T00:00:01Z')
    repo.register(fashion, '2026-11-25T00:00:02Z')
    expect(repo.list().map((d) => d.name)).toEqual(['CIFAR-10', 'Fashion-MNIST', 'pets'])
    expect(repo.list()[2]).toEqual({ ...folder, createdAt: '2026-11-25T00:00:00Z' })
    expect(repo.delete('cifar10')).toBe(true)
    expect(repo.delete('cifar10')).toBe(false)
    expect(repo.list().map((d) => d.id)).toEqual(['fashion-mnist', 'folder:/home/me/pets'])
  })

  it('refuses a negative size (the table checks it)', () => {
    const repo = createDatasetsRepo(openTestDb().db)
    expect(() => repo.register({ ...fashion, sizeBytes: -1 }, '2026-11-25T00:00:00Z')).toThrow(
      /CHECK constraint/,
    )
  })
})
