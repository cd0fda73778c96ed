import { create } from 'zustand'

export const THEME_CHOICES = ['system', 'light', 'dark'] as const
export type ThemeChoice = (typeof THEME_CHOICES)[number]
export type Theme = 'light' | 'dark'

/**
 * The choice is kept in the renderer's localStorage, not in the services' settings table: it is
 * the same code in Electron (file:// origin, kept in the app's profile) and in browser mode
 * (kept per origin: `serve` uses port 7860 when free, so the choice survives restarts there too;
 * on another port it starts from the system's scheme), needs no contract method, and is read
 * before the first paint, without waiting for the services.
 */
export const THEME_KEY = 'cnn-studio.theme'

const isChoice = (v: unknown): v is ThemeChoice => THEME_CHOICES.includes(v as ThemeChoice)

/** The stored choice; anything else (nothing yet, storage blocked, an old value) is 'system'. */
export function loadThemeChoice(storage: Pick<Storage, 'getItem'> | undefined): ThemeChoice {
  try {
    const v = storage?.getItem(THEME_KEY)
    return isChoice(v) ? v : 'system'
  } catch {
    return 'system'
  }
}

export function resolveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice
}

/** The system's colour scheme; jsdom and old engines have no matchMedia: light. */
const systemQuery = (): MediaQueryList | null =>
  typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia('(prefers-color-scheme: dark)')
    : null

/**
 * Puts the theme on <html data-theme>: app.css has one dark palette under [data-theme='dark'],
 * whether the user or the system chose it.
 */
function apply(choice: ThemeChoice) {
  const theme = resolveTheme(choice, systemQuery()?.matches ?? false)
  document.documentElement.dataset.theme = theme
  document.documentElement.dataset.themeChoice = choice
}

interface ThemeState {
  choice: ThemeChoice
  choose(choice: ThemeChoice): void
}

const storage = () => (typeof localStorage === 'undefined' ? undefined : localStorage)

export const useTheme = create<ThemeState>()((set) => ({
  choice: loadThemeChoice(storage()),
  choose(choice) {
    try {
      storage()?.setItem(THEME_KEY, choice)
    } catch {
      // Storage blocked: the choice holds for this session.
    }
    apply(choice)
    set({ choice })
  },
}))

/** Applies the stored choice now and follows the system's scheme while the choice is 'system'. */
export function startTheme(): () => void {
  apply(useTheme.getState().choice)
  const query = systemQuery()
  const onChange = () => apply(useTheme.getState().choice)
  query?.addEventListener('change', onChange)
  return () => query?.removeEventListener('change', onChange)
}
