import {
  HYPERPARAMETER_FIELDS,
  isApplicable,
  type HyperparameterKey,
  type HyperparameterValues,
} from './hyperparameters'

/**
 * The hyperparameters, one control per field of the contract's schema (fields that do not apply to
 * the chosen optimizer or schedule are hidden); a value the schema refuses is marked and explained
 * beside its field.
 */
export function HyperparameterForm({
  values,
  errors,
  onChange,
}: {
  values: HyperparameterValues
  errors: Partial<Record<HyperparameterKey, string>>
  onChange(values: HyperparameterValues): void
}) {
  const set = (key: HyperparameterKey, v: string | boolean) => onChange({ ...values, [key]: v })
  return (
    <div className="hyper" data-testid="train-hyperparameters">
      {HYPERPARAMETER_FIELDS.filter((f) => isApplicable(f.key, values)).map((f) => {
        const id = `hp-${f.key}`
        const error = errors[f.key]
        const described = [error ? `${id}-error` : null, f.help ? `${id}-help` : null]
          .filter(Boolean)
          .join(' ')
        let control
        if (f.type === 'boolean')
          control = (
            <input
              id={id}
              type="checkbox"
              data-testid={id}
              checked={values[f.key] === true}
              onChange={(e) => set(f.key, e.target.checked)}
            />
          )
        else if (f.type === 'enum')
          control = (
            <select
              id={id}
              data-testid={id}
              value={String(values[f.key])}
              onChange={(e) => set(f.key, e.target.value)}
            >
              {f.options.map((o) => (
                <option key={o} value={o}>
                  {f.optionLabels?.[o] ?? o}
                </option>
              ))}
            </select>
          )
        else
          control = (
            <input
              id={id}
              type="text"
              data-testid={id}
              inputMode={f.type === 'integer' ? 'numeric' : 'decimal'}
              aria-invalid={error !== undefined}
              aria-describedby={described || undefined}
              value={String(values[f.key])}
              onChange={(e) => set(f.key, e.target.value)}
            />
          )
        return (
          <div
            key={f.key}
            className={`hp${f.type === 'boolean' ? ' hp-check' : ''}${error ? ' hp-invalid' : ''}`}
          >
            <label htmlFor={id}>{f.label}</label>
            {control}
            {f.help && !error && (
              <small id={`${id}-help`} className="muted">
                {f.help}
              </small>
            )}
            {error && (
              <small id={`${id}-error`} className="error" data-testid={`${id}-error`}>
                {error}
              </small>
            )}
          </div>
        )
      })}
    </div>
  )
}
