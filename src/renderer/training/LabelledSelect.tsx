import type { ReactNode } from 'react'

/** A row of the training form: a label and its select, `id` also its test id. */
export function LabelledSelect({
  id,
  label,
  value,
  onChange,
  children,
}: {
  id: string
  label: string
  value: string | number
  onChange(value: string): void
  /** The options. */
  children: ReactNode
}) {
  return (
    <div className="hp">
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </div>
  )
}
