import { useEffect, useState } from 'react'
import type { FieldSpec } from '../forms/param-fields'
import { readNumber } from '../forms/param-fields'

interface Props {
  field: FieldSpec
  value: unknown
  invalid: boolean
  onChange(value: unknown): void
}

/** A number box that keeps what the user types while it is not a number yet. */
function NumberInput(props: {
  value: number
  integer: boolean
  label: string
  onChange(n: number): void
  invalid?: boolean
}) {
  const [text, setText] = useState(String(props.value))
  useEffect(() => setText(String(props.value)), [props.value])
  const parsed = readNumber(text, props.integer)
  return (
    <input
      type="text"
      inputMode={props.integer ? 'numeric' : 'decimal'}
      aria-label={props.label}
      aria-invalid={props.invalid || parsed === undefined}
      value={text}
      onChange={(e) => {
        setText(e.target.value)
        const n = readNumber(e.target.value, props.integer)
        if (n !== undefined) props.onChange(n)
      }}
    />
  )
}

const pairOf = (v: unknown): [number, number] =>
  typeof v === 'number' ? [v, v] : Array.isArray(v) ? [v[0], v[1]] : [1, 1]

/** One parameter's control, chosen from its schema. */
export function ParamField({ field, value, invalid, onChange }: Props) {
  const id = `param-${field.key}`
  let control
  switch (field.type) {
    case 'integer':
    case 'number':
      control = (
        <NumberInput
          value={Number(value)}
          integer={field.type === 'integer'}
          label={field.key}
          invalid={invalid}
          onChange={onChange}
        />
      )
      break
    case 'boolean':
      control = (
        <input
          id={id}
          type="checkbox"
          checked={Boolean(value)}
          onChange={(e) => onChange(e.target.checked)}
        />
      )
      break
    case 'enum':
      control = (
        <select id={id} value={String(value)} onChange={(e) => onChange(e.target.value)}>
          {field.options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      )
      break
    case 'pair': {
      const [h, w] = pairOf(value)
      control = (
        <span className="pair">
          <NumberInput value={h} integer label={`${field.key} height`} onChange={(n) => onChange([n, w])} />
          ×
          <NumberInput value={w} integer label={`${field.key} width`} onChange={(n) => onChange([h, n])} />
        </span>
      )
      break
    }
    case 'padding':
    case 'sides': {
      const sides =
        typeof value === 'object' && value !== null
          ? (value as Record<'top' | 'bottom' | 'left' | 'right', number>)
          : typeof value === 'number'
            ? { top: value, bottom: value, left: value, right: value }
            : null
      const mode = sides ? 'explicit' : String(value)
      control = (
        <span className="padding">
          {field.type === 'padding' && (
            <select
              aria-label={field.key}
              value={mode}
              onChange={(e) =>
                onChange(
                  e.target.value === 'explicit' ? { top: 1, bottom: 1, left: 1, right: 1 } : e.target.value,
                )
              }
            >
              {field.options.map((o) => (
                <option key={o}>{o}</option>
              ))}
              <option value="explicit">per side</option>
            </select>
          )}
          {sides && (
            <span className="sides">
              {(['top', 'bottom', 'left', 'right'] as const).map((side) => (
                <label key={side}>
                  {side}
                  <NumberInput
                    value={sides[side]}
                    integer
                    label={`${field.key} ${side}`}
                    onChange={(n) => onChange({ ...sides, [side]: n })}
                  />
                </label>
              ))}
            </span>
          )}
        </span>
      )
      break
    }
  }
  return (
    <div className={`param${invalid ? ' param-invalid' : ''}`}>
      <label htmlFor={id} title={field.label}>
        {field.key}
      </label>
      {control}
      <small className="muted">{field.label}</small>
    </div>
  )
}
