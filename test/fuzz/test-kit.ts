import fc from 'fast-check'

/**
 * What the fuzz tests share: one fixed seed (fast-check prints it, and the path, on failure: rerun
 * with them to replay), bounded runs so each file stays under 30 s, and mutations of valid inputs.
 */
export const SEED = Number(process.env.CNN_STUDIO_FUZZ_SEED) || 20_240_514

/** `CNN_STUDIO_FUZZ_RUNS=10` runs ten times as many (a longer search, outside CI). */
const SCALE = Number(process.env.CNN_STUDIO_FUZZ_RUNS) || 1

export const fuzzOptions = (numRuns: number) => ({ seed: SEED, numRuns: Math.round(numRuns * SCALE) })

/** One edit of a byte string: set a byte, cut the end, insert bytes, delete a run. */
const byteEdit = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
)

/** `valid` with one to four edits. */
export function mutatedBytes(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.array(byteEdit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let b = Uint8Array.from(valid)
    for (const e of edits) {
      const at = b.length ? e.at % (b.length + 1) : 0
      if (e.op === 'set' && b.length) b[at % b.length] = e.value
      else if (e.op === 'cut') b = b.slice(0, at)
      else if (e.op === 'insert') b = Uint8Array.from([...b.subarray(0, at), ...e.bytes, ...b.subarray(at)])
      else if (e.op === 'delete') b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + e.length)])
    }
    return b
  })
}

/** Every path to a value inside a JSON-like value (objects and arrays), the root excluded. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (typeof value !== 'object' || value === null) return out
  for (const [k, v] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(k) : k]
    out.push(path)
    paths(v, path, out)
  }
  return out
}

/** Values that break parsers: wrong types, huge and negative numbers, deep and odd structures. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    0,
    -1,
    1e9,
    2 ** 31,
    2 ** 53,
    1e308,
    -1e308,
    0.5,
    '',
    'Conv2D',
    'Input',
    null,
    [],
    {},
    true,
    '__proto__',
  ),
  fc.anything({ maxDepth: 2 }),
)

/** `valid` (a JSON-like value) with one to three values replaced or deleted at random paths. */
export function mutatedJson<T>(valid: T): fc.Arbitrary<unknown> {
  const all = paths(valid)
  if (all.length === 0) return fc.constant(valid)
  const edit = fc.record({ path: fc.constantFrom(...all), value: oddValue, remove: fc.boolean() })
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const copy = structuredClone(valid) as unknown
    for (const { path, value, remove } of edits) {
      let parent = copy as Record<string | number, unknown>
      for (const key of path.slice(0, -1)) {
        const next = parent?.[key]
        if (typeof next !== 'object' || next === null) break
        parent = next as Record<string | number, unknown>
      }
      const last = path[path.length - 1]
      if (typeof parent !== 'object' || parent === null) continue
      if (remove && !Array.isArray(parent)) delete parent[last]
      else parent[last] = value
    }
    return copy
  })
}

/** Calls `f`; returns what it threw (undefined when it did not). */
export function thrown(f: () => unknown): unknown {
  try {
    f()
    return undefined
  } catch (e) {
    return e
  }
}
