import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadThemeChoice, resolveTheme, startTheme, THEME_KEY, useTheme } from './theme'

afterEach(() => {
  localStorage.clear()
  vi.unstubAllGlobals()
  useTheme.setState({ choice: 'system' })
})

/** A matchMedia whose dark scheme can be switched, as the system's would be. */
function fakeSystem(dark: boolean) {
  const listeners = new Set<() => void>()
  const query = {
    get matches() {
      return dark
    },
    addEventListener: (_: string, f: () => void) => listeners.add(f),
    removeEventListener: (_: string, f: () => void) => listeners.delete(f),
  }
  vi.stubGlobal('matchMedia', () => query)
  return {
    set(d: boolean) {
      dark = d
      for (const f of listeners) f()
    },
    listeners,
  }
}

const theme = () => document.documentElement.dataset.theme

describe('the theme choice', () => {
  it('reads a stored choice, and anything else as the system scheme', () => {
    expect(loadThemeChoice({ getItem: () => 'dark' })).toBe('dark')
    expect(loadThemeChoice({ getItem: () => null })).toBe('system')
    expect(loadThemeChoice({ getItem: () => 'sepia' })).toBe('system')
    const blocked = {
      getItem: () => {
        throw new Error('SecurityError')
      },
    }
    expect(loadThemeChoice(blocked)).toBe('system')
    expect(loadThemeChoice(undefined)).toBe('system')
  })

  it('resolves the system choice by the scheme and overrides it otherwise', () => {
    expect(resolveTheme('system', true)).toBe('dark')
    expect(resolveTheme('system', false)).toBe('light')
    expect(resolveTheme('light', true)).toBe('light')
    expect(resolveTheme('dark', false)).toBe('dark')
  })

  it('puts the theme on <html>, stores the choice, and follows the system only while chosen', () => {
    const system = fakeSystem(true)
    const stop = startTheme()
    expect(theme()).toBe('dark')
    useTheme.getState().choose('light')
    expect(theme()).toBe('light')
    expect(localStorage.getItem(THEME_KEY)).toBe('light')
    system.set(false)
    system.set(true)
    expect(theme()).toBe('light')
    useTheme.getState().choose('system')
    expect(theme()).toBe('dark')
    system.set(false)
    expect(theme()).toBe('light')
    stop()
    expect(system.listeners.size).toBe(0)
  })

  it('works without matchMedia (jsdom, old engines) as a light system', () => {
    vi.stubGlobal('matchMedia', undefined)
    startTheme()()
    expect(theme()).toBe('light')
    useTheme.getState().choose('dark')
    expect(theme()).toBe('dark')
  })
})
