import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CATEGORIES } from '../src/shared/layers/categories'

/**
 * The category colours stay in the stylesheet, beside the theme they belong to (a dark-mode variant
 * would go in a `[data-theme='dark']` rule there); this ties them to the one category list.
 */
const css = readFileSync(new URL('../src/renderer/editor/editor.css', import.meta.url), 'utf8').replace(
  /\/\*[\s\S]*?\*\//g,
  '',
)

/** Each innermost rule as its selectors and body (an `@media` block's rules come out one by one). */
const rules = [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((m) => ({
  selectors: m[1].split(',').map((s) => s.trim()),
  body: m[2],
}))

const named = (selector: string) => [...selector.matchAll(/\.category-([\w-]+)/g)].map((m) => m[1])

describe('category colours in editor.css', () => {
  const ids: string[] = CATEGORIES.map((c) => c.id)

  it('give every category a colour (--cat)', () => {
    for (const id of ids)
      expect(
        rules.some((r) => r.selectors.includes(`.category-${id}`) && /--cat\s*:/.test(r.body)),
        `.category-${id} { --cat: … }`,
      ).toBe(true)
  })

  it('name no category the list lacks', () => {
    const unknown = rules.flatMap((r) => r.selectors.flatMap(named)).filter((id) => !ids.includes(id))
    expect(unknown).toEqual([])
  })
})
