import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { eventChannel, methodChannel } from '../../shared/api/channels'
import {
  METHOD_NAMES,
  type EventName,
  type EventPayload,
  type Envelope,
  type Handlers,
} from '../../shared/api/contract'
import { dispatch } from '../../shared/api/dispatch'
import { isAppUrl } from './window'

/**
 * The Electron transport: one `ipcMain.handle` per contract method. Each call must come from the
 * main frame of the app's own window showing the app's own page (Electron Fiddle's sender check);
 * `dispatch` then parses the payload with the method's schema before the service sees it.
 */
export function registerIpc(handlers: Handlers, appWindow: () => BrowserWindow | null): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const win = appWindow()
    if (!win || win.isDestroyed() || event.sender !== win.webContents) return false
    const frame = event.senderFrame
    return frame !== null && frame === win.webContents.mainFrame && isAppUrl(frame.url)
  }
  for (const method of METHOD_NAMES) {
    ipcMain.handle(methodChannel(method), async (event, payload: unknown): Promise<Envelope<unknown>> => {
      if (!trusted(event)) {
        console.warn(`Refused ${method} from ${event.senderFrame?.url ?? 'a destroyed frame'}`)
        return { ok: false, error: { code: 'forbidden', message: 'Not the CNN Studio window.' } }
      }
      return dispatch(handlers, method, payload)
    })
  }
  return () => METHOD_NAMES.forEach((method) => ipcMain.removeHandler(methodChannel(method)))
}

/** Pushes a contract event to the app's window (nothing happens once it is closed). */
export function sendEvent<E extends EventName>(
  win: BrowserWindow | null,
  event: E,
  payload: EventPayload<E>,
): void {
  if (win && !win.isDestroyed()) win.webContents.send(eventChannel(event), payload)
}
