import { z } from 'zod'
import { hyperparametersSchema, type Hyperparameters } from '../../shared/api/training'
import { HYPERPARAMETER_TEXT } from '../../shared/training/hyperparameter-text'
import { UsageError, type CliCommand } from './io'

/**
 * `cnn-studio train`'s hyperparameter flags, generated from the contract's schema (types, ranges,
 * defaults, options) and the shared words (HYPERPARAMETER_TEXT), as the training panel's form is:
 * a key added to the schema is a flag here, with its help line, at once.
 */

type Key = keyof Hyperparameters

export type HyperparameterFlag = {
  key: Key
  /** Kebab case: `weightDecay` is `--weight-decay`. */
  flag: string
  text: string
  default: unknown
} & (
  | { type: 'boolean' }
  | { type: 'enum'; options: string[] }
  | {
      type: 'integer' | 'number'
      min?: number
      max?: number
      exclusiveMin?: boolean
      exclusiveMax?: boolean
    }
)

/** The short names kept from before the flags were generated. */
const ALIASES: Partial<Record<Key, string>> = { learningRate: 'lr' }

interface JsonField {
  type?: string
  enum?: string[]
  default?: unknown
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
}

const bound = (x: number | undefined) =>
  x !== undefined && Math.abs(x) < Number.MAX_SAFE_INTEGER ? x : undefined

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

const json = z.toJSONSchema(hyperparametersSchema, { io: 'input' }) as {
  properties: Record<Key, JsonField>
}

export const HYPERPARAMETER_FLAGS: HyperparameterFlag[] = (
  Object.entries(json.properties) as [Key, JsonField][]
).map(([key, f]) => {
  const words = HYPERPARAMETER_TEXT[key]
  const base = {
    key,
    flag: kebab(key),
    text: words.help ? `${words.label}. ${words.help}` : `${words.label}.`,
    default: f.default,
  }
  if (f.type === 'boolean') return { ...base, type: 'boolean' }
  if (f.enum) return { ...base, type: 'enum', options: f.enum }
  const min = bound(f.minimum ?? f.exclusiveMinimum)
  const max = bound(f.maximum ?? f.exclusiveMaximum)
  return {
    ...base,
    type: f.type === 'integer' ? 'integer' : 'number',
    min,
    max,
    exclusiveMin: f.exclusiveMinimum !== undefined,
    exclusiveMax: f.exclusiveMaximum !== undefined,
  }
})

/** The flags' parseArgs options: booleans are switches (`--flip`), the rest take a value. */
export const HYPERPARAMETER_OPTIONS: CliCommand['options'] = Object.fromEntries(
  HYPERPARAMETER_FLAGS.flatMap((f) => {
    const type = f.type === 'boolean' ? ('boolean' as const) : ('string' as const)
    const alias = ALIASES[f.key]
    return [[f.flag, { type }], ...(alias ? [[alias, { type }]] : [])]
  }),
)

/** What a flag accepts, in words: `a whole number from 1 to 4096`, `one of sgd, adam`. */
export function allowedOf(f: HyperparameterFlag): string {
  if (f.type === 'boolean') return 'a switch (no value)'
  if (f.type === 'enum') return `one of ${f.options.join(', ')}`
  const what = f.type === 'integer' ? 'a whole number' : 'a number'
  const low = f.min === undefined ? '' : f.exclusiveMin ? `more than ${f.min}` : `at least ${f.min}`
  const high = f.max === undefined ? '' : f.exclusiveMax ? `below ${f.max}` : `at most ${f.max}`
  if (low && high && !f.exclusiveMin && !f.exclusiveMax) return `${what} from ${f.min} to ${f.max}`
  return [what, [low, high].filter(Boolean).join(' and ')].filter(Boolean).join(', ')
}

/** Two help lines per flag: name, value and what it does; what it accepts and its default. */
export function hyperparameterHelp(): string {
  const name = (f: HyperparameterFlag) => {
    const alias = ALIASES[f.key]
    const value = f.type === 'boolean' ? '' : f.type === 'integer' ? ' N' : f.type === 'enum' ? ' NAME' : ' X'
    return `--${f.flag}${value}${alias ? ` (--${alias})` : ''}`
  }
  const width = Math.max(...HYPERPARAMETER_FLAGS.map((f) => name(f).length)) + 2
  return HYPERPARAMETER_FLAGS.map((f) => {
    const accepts = f.type === 'boolean' ? 'default off' : `${allowedOf(f)}; default ${String(f.default)}`
    return `  ${name(f).padEnd(width)}${f.text}\n  ${''.padEnd(width)}${accepts}`
  }).join('\n')
}

/**
 * The hyperparameters the flags give (the rest take their defaults in the run), parsed by the
 * schema; a bad value is a UsageError naming the flag and what it accepts.
 */
export function readHyperparameterFlags(values: Record<string, unknown>): Partial<Hyperparameters> {
  const given: Partial<Record<Key, unknown>> = {}
  for (const f of HYPERPARAMETER_FLAGS) {
    const alias = ALIASES[f.key]
    if (alias && values[alias] !== undefined && values[f.flag] !== undefined)
      throw new UsageError(`--${alias} and --${f.flag} are the same flag: give one.`)
    const used = values[f.flag] !== undefined ? f.flag : alias
    const value = used === undefined ? undefined : values[used]
    if (value === undefined) continue
    const text = String(value).trim()
    const raw = f.type === 'integer' || f.type === 'number' ? (text === '' ? NaN : Number(text)) : value
    const parsed = hyperparametersSchema.shape[f.key].safeParse(raw)
    if (!parsed.success) throw new UsageError(`--${used} must be ${allowedOf(f)}, got '${String(value)}'.`)
    given[f.key] = parsed.data
  }
  // Only what was given: the service fills in the defaults, as it does for the panel.
  return given as Partial<Hyperparameters>
}
