import type { Api } from '../../shared/api/contract'
import { createInPageApi } from './local'

export type Transport = 'electron' | 'in-page'

/** The services as the page reaches them: the preload's `window.api`, else computed in the page. */
export function pickApi(): { api: Api; transport: Transport } {
  if (window.api) return { api: window.api, transport: 'electron' }
  return { api: createInPageApi(), transport: 'in-page' }
}
