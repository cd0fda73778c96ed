import { z } from 'zod'

/** The form control a parameter needs, read from its kind's zod schema (as JSON Schema). */
export type FieldSpec =
  | { key: string; label: string; type: 'integer' | 'number'; min?: number; max?: number }
  | { key: string; label: string; type: 'boolean' }
  | { key: string; label: string; type: 'enum'; options: string[] }
  | { key: string; label: string; type: 'pair' }
  | { key: string; label: string; type: 'padding'; options: string[] }
  | { key: string; label: string; type: 'sides' }

interface JsonField {
  type?: string
  description?: string
  enum?: string[]
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  anyOf?: JsonField[]
  prefixItems?: unknown[]
  properties?: Record<string, unknown>
}

const cache = new WeakMap<z.ZodType, FieldSpec[]>()

/** The fields of a parameter schema, in declaration order, for the inspector. */
export function fieldsOf(schema: z.ZodType): FieldSpec[] {
  const hit = cache.get(schema)
  if (hit) return hit
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonField>
  }
  const fields = Object.entries(json.properties ?? {}).map(([key, f]): FieldSpec => {
    const label = f.description ?? key
    if (f.anyOf) {
      const names = f.anyOf.find((x) => x.enum)?.enum ?? []
      return { key, label, type: 'padding', options: names }
    }
    if (f.enum) return { key, label, type: 'enum', options: f.enum }
    if (f.type === 'boolean') return { key, label, type: 'boolean' }
    if (f.type === 'array' && f.prefixItems?.length === 2) return { key, label, type: 'pair' }
    if (f.type === 'object' && f.properties && 'top' in f.properties) return { key, label, type: 'sides' }
    const max = f.maximum !== undefined && f.maximum < Number.MAX_SAFE_INTEGER ? f.maximum : undefined
    return {
      key,
      label,
      type: f.type === 'integer' ? 'integer' : 'number',
      min: f.minimum ?? f.exclusiveMinimum,
      max,
    }
  })
  cache.set(schema, fields)
  return fields
}

/** Reads a number typed by the user; undefined while it is not one yet (an empty box, a lone '-'). */
export function readNumber(text: string, integer: boolean): number | undefined {
  if (text.trim() === '') return undefined
  const n = Number(text)
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return undefined
  return n
}
