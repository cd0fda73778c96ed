import {
  ApiError,
  createApi,
  EVENT_NAMES,
  type Api,
  type Envelope,
  type EventName,
} from '../../shared/api/contract'

/** Where the page keeps the server's token: this tab only, so a reload still works. */
const TOKEN_KEY = 'cnn-studio.token'

/**
 * Reads the access token `cnn-studio serve` put in the page's URL, then takes it out of the
 * address bar (it would otherwise end up in history and screenshots). The tab keeps it in
 * sessionStorage: same-origin only, gone when the tab closes.
 */
export function takeToken(location: Location = window.location): string | null {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(null, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return sessionStorage.getItem(TOKEN_KEY)
}

/** The contract over HTTP (methods) and a WebSocket (events), as src/main/transport serves it. */
export function createHttpApi(token: string, base = window.location.origin): Api {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let socket: WebSocket | null = null
  const connect = () => {
    if (socket) return
    socket = new WebSocket(`${base.replace(/^http/, 'ws')}/api/events?token=${encodeURIComponent(token)}`)
    socket.onmessage = (m) => {
      let message: { event?: unknown; payload?: unknown }
      try {
        message = JSON.parse(String(m.data)) as typeof message
      } catch {
        return console.warn('cnn-studio: ignored an event that is not JSON')
      }
      for (const fn of listeners.get(String(message.event)) ?? []) fn(message.payload)
    }
    // Reconnect after the server restarts; listeners stay registered.
    socket.onclose = () => {
      socket = null
      if ([...listeners.values()].some((s) => s.size)) setTimeout(connect, 2000)
    }
  }
  return createApi(
    async (method, request) => {
      let res: Response
      try {
        res = await fetch(`${base}/api/${method}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(request),
        })
      } catch (e) {
        throw new ApiError(
          'unavailable',
          `The CNN Studio server does not answer (is cnn-studio serve still running?): ${String(e)}`,
        )
      }
      if (res.headers.get('content-type')?.startsWith('application/json'))
        return (await res.json()) as Envelope<unknown>
      throw new ApiError(
        res.status === 401 ? 'forbidden' : 'internal',
        `${method}: HTTP ${res.status} ${await res.text()}`,
      )
    },
    (event, listener) => {
      if (!EVENT_NAMES.includes(event)) throw new Error(`Unknown event '${String(event)}'.`)
      const set = listeners.get(event as EventName) ?? new Set()
      listeners.set(event as EventName, set)
      set.add(listener as (payload: unknown) => void)
      connect()
      return () => set.delete(listener as (payload: unknown) => void)
    },
  )
}

/**
 * Has the browser save an export the server keeps for one download (`export.download`): a link to
 * `GET /download/<id>` with the token in its query, since a link cannot send a header.
 */
export function saveDownload(
  file: { id: string; name: string },
  token = sessionStorage.getItem(TOKEN_KEY) ?? '',
  base = window.location.origin,
): void {
  const a = document.createElement('a')
  a.href = `${base}/download/${encodeURIComponent(file.id)}?token=${encodeURIComponent(token)}`
  a.download = file.name
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
}
