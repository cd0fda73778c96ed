import { describe, expect, it } from 'vitest'
import { canonicalJson, MAX_STORED_DEPTH } from './canonical-json'

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    )
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }))
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]))
  })

  it('drops undefined properties as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}')
  })

  it('refuses, naming the path, what SQLite would refuse, at any depth without overflowing', () => {
    const nested = (levels: number) => {
      let v: unknown = 1
      for (let i = 0; i < levels; i++) v = { a: v }
      return v
    }
    expect(canonicalJson(nested(MAX_STORED_DEPTH))).toHaveLength(6 * MAX_STORED_DEPTH + 1)
    for (const levels of [MAX_STORED_DEPTH + 1, 20_000, 200_000])
      expect(() => canonicalJson(nested(levels))).toThrow(
        new RangeError('a.a.a.a.a.a…: nested more than 1000 levels deep, more than the database stores.'),
      )
  })
})
