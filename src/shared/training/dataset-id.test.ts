import { describe, expect, it } from 'vitest'
import { datasetId, datasetRefOf } from './dataset-id'

describe('dataset ids', () => {
  it('encodes built-ins by name and folders by path, and decodes them back', () => {
    expect(datasetId({ builtin: 'mnist' })).toBe('mnist')
    expect(datasetId({ folder: '/data/flowers' })).toBe('folder:/data/flowers')
    for (const ref of [{ builtin: 'cifar10' as const }, { folder: '/data/a:b' }])
      expect(datasetRefOf(datasetId(ref))).toEqual(ref)
  })

  it('decodes nothing else', () => {
    expect(datasetRefOf('imagenet')).toBeNull()
    expect(datasetRefOf('folder:')).toBeNull()
    expect(datasetRefOf('builtin:mnist')).toBeNull()
  })
})
