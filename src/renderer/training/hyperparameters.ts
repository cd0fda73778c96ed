import type { z } from 'zod'
import { hyperparametersSchema, type Hyperparameters } from '../../shared/api/training'
import { HYPERPARAMETER_TEXT } from '../../shared/training/hyperparameter-text'
import { fieldsOf, readNumber, type FieldSpec } from '../forms/param-fields'

export type HyperparameterKey = keyof Hyperparameters
/** The form as typed: numbers as text (kept while not a number yet), switches as booleans. */
export type HyperparameterValues = Record<HyperparameterKey, string | boolean>

export const HYPERPARAMETER_DEFAULTS: Hyperparameters = hyperparametersSchema.parse({})

/** Labels (the accessible names tests use), help texts and option names: shared with the CLI. */
const TEXT = HYPERPARAMETER_TEXT

export type HyperparameterField = FieldSpec & {
  key: HyperparameterKey
  help?: string
  optionLabels?: Record<string, string>
}

/** The form's fields, generated from the contract's schema (types, ranges, options) in its order. */
export const HYPERPARAMETER_FIELDS: HyperparameterField[] = fieldsOf(hyperparametersSchema).map((f) => {
  const key = f.key as HyperparameterKey
  return { ...f, key, label: TEXT[key].label, help: TEXT[key].help, optionLabels: TEXT[key].options }
})

/** Whether a field applies to the choices made so far (momentum only for SGD and RMSprop, …). */
export function isApplicable(key: HyperparameterKey, values: HyperparameterValues): boolean {
  switch (key) {
    case 'momentum':
      return values.optimizer === 'sgd' || values.optimizer === 'rmsprop'
    case 'nesterov':
      return values.optimizer === 'sgd'
    case 'stepEpochs':
      return values.schedule === 'step'
    case 'gamma':
      return values.schedule === 'step' || values.schedule === 'exponential'
    default:
      return true
  }
}

/** The form's values for a set of hyperparameters (the defaults, or a run's to try again). */
export function valuesOf(h: Hyperparameters = HYPERPARAMETER_DEFAULTS): HyperparameterValues {
  return Object.fromEntries(
    Object.entries(h).map(([k, v]) => [k, typeof v === 'boolean' ? v : String(v)]),
  ) as HyperparameterValues
}

type Issue = z.core.$ZodIssue

/** One issue of the schema in words a form shows beside its field. */
function describe(issue: Issue): string {
  const bound = (v: unknown) => (typeof v === 'bigint' ? v.toString() : String(v))
  if (issue.code === 'too_small')
    return issue.inclusive === false
      ? `Must be more than ${bound(issue.minimum)}.`
      : `Must be at least ${bound(issue.minimum)}.`
  if (issue.code === 'too_big')
    return issue.inclusive === false
      ? `Must be less than ${bound(issue.maximum)}.`
      : `Must be at most ${bound(issue.maximum)}.`
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'Must be a whole number.'
  if (issue.code === 'invalid_value') return `Must be one of ${issue.values.map(String).join(', ')}.`
  return issue.message
}

export type ReadResult =
  | { ok: true; hyperparameters: Hyperparameters; errors: Partial<Record<HyperparameterKey, string>> }
  | { ok: false; hyperparameters?: undefined; errors: Partial<Record<HyperparameterKey, string>> }

/**
 * Parses the form with the contract's schema. Fields that do not apply (momentum with Adam) take
 * their defaults, so a stale value there never blocks a start. Errors are per field.
 */
export function readHyperparameters(values: HyperparameterValues): ReadResult {
  const errors: Partial<Record<HyperparameterKey, string>> = {}
  const raw: Record<string, unknown> = {}
  for (const f of HYPERPARAMETER_FIELDS) {
    if (!isApplicable(f.key, values)) continue
    const v = values[f.key]
    if (f.type === 'integer' || f.type === 'number') {
      const n = readNumber(String(v), f.type === 'integer')
      if (n === undefined) {
        const isNumber = String(v).trim() !== '' && Number.isFinite(Number(v))
        errors[f.key] = isNumber ? 'Must be a whole number.' : 'Enter a number.'
      } else raw[f.key] = n
    } else raw[f.key] = v
  }
  const parsed = hyperparametersSchema.safeParse(raw)
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as HyperparameterKey
      errors[key] ??= describe(issue)
    }
  if (Object.keys(errors).length > 0 || !parsed.success) {
    // In the form's order, for the summary beside Start.
    const ordered = Object.fromEntries(
      HYPERPARAMETER_FIELDS.filter((f) => errors[f.key]).map((f) => [f.key, errors[f.key]]),
    )
    return { ok: false, errors: ordered }
  }
  return { ok: true, hyperparameters: parsed.data, errors }
}

export const labelOf = (key: HyperparameterKey): string => TEXT[key].label
