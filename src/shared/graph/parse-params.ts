import type { z } from 'zod'
import type { LayerError } from '../layers/errors'

type Parsed = { value: unknown; error?: undefined } | { error: LayerError; value?: undefined }

// Parsing is cached by params object identity: the editor replaces a node's params object on every
// change, so an edit re-parses one node and the rest of the graph hits the cache.
const cache = new WeakMap<z.ZodType, WeakMap<object, Parsed>>()

/** Parses a node's params with its kind's schema; the error names the parameter and the value. */
export function parseParams(schema: z.ZodType, params: Record<string, unknown>): Parsed {
  let bySchema = cache.get(schema)
  if (!bySchema) cache.set(schema, (bySchema = new WeakMap()))
  const hit = bySchema.get(params)
  if (hit) return hit
  const result = schema.safeParse(params)
  let parsed: Parsed
  if (result.success) parsed = { value: result.data }
  else {
    const issue = result.error.issues[0]
    const param = issue.path.length ? String(issue.path[0]) : undefined
    // A value a preprocess step expanded (padding: -1 → {top: -1, …}) is quoted as written.
    const got = param !== undefined ? (getPath(params, issue.path) ?? params[param]) : undefined
    const message =
      issue.code === 'unrecognized_keys'
        ? `Unknown parameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'}.`
        : `Parameter '${issue.path.join('.')}': ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}.`
    parsed = { error: { message, param } }
  }
  bySchema.set(params, parsed)
  return parsed
}

function getPath(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur = obj
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined
    cur = (cur as Record<PropertyKey, unknown>)[key]
  }
  return cur
}
