import type { Api } from '../../shared/api/contract'
import { createHttpApi, takeToken } from './http'
import { createInPageApi } from './local'

export type Transport = 'electron' | 'http' | 'in-page'

/**
 * The services as the page reaches them: the preload's `window.api` in the desktop app, HTTP when
 * `cnn-studio serve` gave the page a token, else what the page can compute by itself.
 */
export function pickApi(): { api: Api; transport: Transport } {
  if (window.api) return { api: window.api, transport: 'electron' }
  const token = takeToken()
  if (token) return { api: createHttpApi(token), transport: 'http' }
  return { api: createInPageApi(), transport: 'in-page' }
}
