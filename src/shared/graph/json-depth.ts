/**
 * How deeply JSON values nest. A graph document's parameters are free-form JSON, so a request can
 * nest objects thousands of levels deep: SQLite's `json_valid` refuses more than 1,000 levels and
 * recursive walks (JSON.stringify) overflow the stack at about 10,000. Documents are limited to
 * {@link MAX_DOCUMENT_DEPTH} levels, checked here without recursion.
 */

/** The deepest nesting a graph document may have, counting its root object as level 1. */
export const MAX_DOCUMENT_DEPTH = 400

/**
 * The path to the first object or array nested deeper than `max` levels (the root is level 1),
 * or null when there is none. Iterative: any depth is safe.
 */
export function pathDeeperThan(value: unknown, max: number): (string | number)[] | null {
  interface Frame {
    value: unknown
    depth: number
    key: string | number
    parent: Frame | null
  }
  const stack: Frame[] = [{ value, depth: 1, key: '', parent: null }]
  while (stack.length) {
    const frame = stack.pop()!
    const v = frame.value
    if (v === null || typeof v !== 'object') continue
    if (frame.depth > max) {
      const path: (string | number)[] = []
      for (let f: Frame | null = frame; f?.parent; f = f.parent) path.push(f.key)
      return path.reverse()
    }
    const entries: [string | number, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [i, x])
      : Object.entries(v as Record<string, unknown>)
    for (const [key, child] of entries.reverse())
      if (child !== null && typeof child === 'object')
        stack.push({ value: child, depth: frame.depth + 1, key, parent: frame })
  }
  return null
}

/** Marks a path cut short: formatIssues writes `nodes[3].params.a.b.c…`. */
export const ELIDED = '…'

/** The first `keep` steps of a path, and {@link ELIDED} when there were more. */
export const shortPath = (path: (string | number)[], keep = 6): (string | number)[] =>
  path.length > keep ? [...path.slice(0, keep), ELIDED] : path

/** `nodes[3].params.a`: a path as error messages write it (the form formatIssues uses). */
export const pathText = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (acc, key) =>
      typeof key === 'number'
        ? `${acc}[${key}]`
        : acc && key !== ELIDED
          ? `${acc}.${String(key)}`
          : `${acc}${String(key)}`,
    '',
  )
