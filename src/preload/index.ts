import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { eventChannel, methodChannel } from '../shared/api/channels'
import { createApi, EVENT_NAMES, type ApiEvents, type Envelope, type EventName } from '../shared/api/contract'

/**
 * Builds `window.api` from the contract: one function per method (`api.templates.list()`), and
 * `api.on(event, listener)` for the listed events. The page never sees `ipcRenderer` itself.
 * Runs sandboxed, so it is bundled into one CommonJS file that requires only 'electron'.
 */
const on: ApiEvents['on'] = (event, listener) => {
  if (!(EVENT_NAMES as string[]).includes(event)) throw new Error(`Unknown event '${String(event)}'.`)
  const channel = eventChannel(event as EventName)
  const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload as never)
  ipcRenderer.on(channel, wrapped)
  return () => {
    ipcRenderer.removeListener(channel, wrapped)
  }
}

const api = createApi(
  (method, request) => ipcRenderer.invoke(methodChannel(method), request) as Promise<Envelope<unknown>>,
  on,
)

contextBridge.exposeInMainWorld('api', api)
