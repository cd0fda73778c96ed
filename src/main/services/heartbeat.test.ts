import { describe, expect, it } from 'vitest'
import { HEARTBEAT_MS, silence, STALE_AFTER_MS } from './heartbeat'

describe('heartbeat', () => {
  it('is stale after several missed beats, never under 30 s', () => {
    expect(STALE_AFTER_MS).toBeGreaterThanOrEqual(Math.max(30_000, 5 * HEARTBEAT_MS))
  })

  it('says how long a run has been silent', () => {
    expect(silence(44_600)).toBe('45 s')
    expect(silence(10 * 60_000 + 5_000)).toBe('10 min')
    expect(silence(3 * 3_600_000)).toBe('3 h')
  })
})
