import type { Api } from '../shared/api/contract'

declare global {
  interface Window {
    /**
     * The services, as the preload exposes them in the Electron window; its type is derived from
     * src/shared/api/contract.ts. Absent when the renderer runs in a plain browser.
     */
    readonly api?: Api
  }
}

export {}
