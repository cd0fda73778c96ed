import { describe, expect, it } from 'vitest'
import { CATEGORIES, PALETTE_SECTIONS } from './categories'

describe('categories', () => {
  it('lists each category once', () => {
    const ids = CATEGORIES.map((c) => c.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('make one palette section per title, in the list order', () => {
    const titles = PALETTE_SECTIONS.map((s) => s.title)
    expect(new Set(titles).size).toBe(titles.length)
    expect(PALETTE_SECTIONS.flatMap((s) => s.categories)).toEqual(CATEGORIES.map((c) => c.id))
    for (const s of PALETTE_SECTIONS)
      for (const id of s.categories) expect(CATEGORIES.find((c) => c.id === id)!.section).toBe(s.title)
  })
})
