import { pathDeeperThan, pathText, shortPath } from '../../shared/graph/json-depth'

/**
 * The deepest JSON stored: SQLite's JSON functions (the `json_valid` checks of our tables) refuse
 * deeper values, and checking first keeps the recursive JSON.stringify below far from the stack's
 * limit (about 10,000 levels). Graph documents are refused long before, at 400 levels.
 */
export const MAX_STORED_DEPTH = 1000

/**
 * JSON with object keys sorted at every level: two documents that differ only in key order give
 * the same text, so a save can tell whether anything changed by comparing strings. Throws a
 * RangeError naming the path for a value nested deeper than {@link MAX_STORED_DEPTH}.
 */
export function canonicalJson(value: unknown): string {
  const deep = pathDeeperThan(value, MAX_STORED_DEPTH)
  if (deep)
    throw new RangeError(
      `${pathText(shortPath(deep))}: nested more than ${MAX_STORED_DEPTH} levels deep, more than the database stores.`,
    )
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}
