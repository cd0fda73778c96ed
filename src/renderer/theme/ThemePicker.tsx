import { THEME_CHOICES, useTheme, type ThemeChoice } from './theme'

const LABELS: Record<ThemeChoice, string> = { system: 'System theme', light: 'Light', dark: 'Dark' }

/** The theme menu (start screen and editor toolbar): system, light or dark, kept across restarts. */
export function ThemePicker() {
  const choice = useTheme((s) => s.choice)
  const choose = useTheme((s) => s.choose)
  return (
    <select
      className="theme-picker"
      aria-label="Theme"
      title="Colour theme: follow the system, or always light or dark"
      data-testid="theme-picker"
      value={choice}
      onChange={(e) => choose(e.target.value as ThemeChoice)}
    >
      {THEME_CHOICES.map((c) => (
        <option key={c} value={c}>
          {LABELS[c]}
        </option>
      ))}
    </select>
  )
}
