import { describe, expect, it } from 'vitest'
import { ELIDED, pathDeeperThan, pathText, shortPath } from './json-depth'

/** `{ a: { a: … 1 } }` with `levels` objects, built without recursion. */
const nested = (levels: number): unknown => {
  let v: unknown = 1
  for (let i = 0; i < levels; i++) v = { a: v }
  return v
}

describe('pathDeeperThan', () => {
  it('counts the root as level 1, objects and arrays alike', () => {
    expect(pathDeeperThan(nested(3), 3)).toBeNull()
    expect(pathDeeperThan(nested(4), 3)).toEqual(['a', 'a', 'a'])
    expect(pathDeeperThan({ x: [1, [2, [3]]] }, 3)).toEqual(['x', 1, 1])
    expect(pathDeeperThan('text', 0)).toBeNull()
    expect(pathDeeperThan({ n: null, s: 'x' }, 1)).toBeNull()
  })

  it('finds the first too-deep branch, in document order', () => {
    expect(pathDeeperThan({ ok: { b: 1 }, deep: [{ c: { d: {} } }] }, 3)).toEqual(['deep', 0, 'c'])
  })

  it('never overflows the stack: a million levels', () => {
    let v: unknown = []
    for (let i = 0; i < 1_000_000; i++) v = [v]
    expect(pathDeeperThan(v, 400)).toHaveLength(400)
  })
})

describe('paths in messages', () => {
  it('are written as formatIssues writes them, cut short with an ellipsis', () => {
    expect(pathText(['nodes', 3, 'params', 'a'])).toBe('nodes[3].params.a')
    const long = ['nodes', 3, 'params', 'a', 'b', 'c', 'd', 'e']
    expect(shortPath(long)).toEqual(['nodes', 3, 'params', 'a', 'b', 'c', ELIDED])
    expect(pathText(shortPath(long))).toBe('nodes[3].params.a.b.c…')
    expect(shortPath(['a'])).toEqual(['a'])
  })
})
