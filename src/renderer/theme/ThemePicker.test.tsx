import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll, expect, it } from 'vitest'
import { THEME_KEY, useTheme } from './theme'
import { ThemePicker } from './ThemePicker'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}

beforeAll(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true
})

let root: Root | undefined
afterEach(() => {
  act(() => root?.unmount())
  document.body.innerHTML = ''
  localStorage.clear()
  useTheme.setState({ choice: 'system' })
})

it('offers system, light and dark, and applies and keeps the one picked', () => {
  const container = document.body.appendChild(document.createElement('div'))
  root = createRoot(container)
  act(() => root!.render(<ThemePicker />))
  const select = container.querySelector<HTMLSelectElement>('select[aria-label="Theme"]')!
  expect([...select.options].map((o) => o.value)).toEqual(['system', 'light', 'dark'])
  expect(select.value).toBe('system')
  act(() => {
    select.value = 'dark'
    select.dispatchEvent(new Event('change', { bubbles: true }))
  })
  expect(document.documentElement.dataset.theme).toBe('dark')
  expect(localStorage.getItem(THEME_KEY)).toBe('dark')
  expect(select.value).toBe('dark')
})
