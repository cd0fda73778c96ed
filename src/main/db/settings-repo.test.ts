import { describe, expect, it } from 'vitest'
import { createSettingsRepo } from './settings-repo'
import { openTestDb } from './test-kit'

describe('settings repository', () => {
  it('sets, overwrites, reads and deletes JSON values', () => {
    const { db } = openTestDb()
    const settings = createSettingsRepo(db)
    expect(settings.get('lastProjectId')).toBeUndefined()
    settings.set('lastProjectId', 'a')
    settings.set('lastProjectId', 'b')
    expect(settings.get('lastProjectId')).toBe('b')
    expect(db.prepare(`SELECT value FROM settings WHERE key = 'lastProjectId'`).get()).toEqual({
      value: '"b"',
    })
    settings.delete('lastProjectId')
    expect(settings.get('lastProjectId')).toBeUndefined()
    db.close()
  })
})
