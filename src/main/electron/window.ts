import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { BrowserWindow, shell, type WebContents } from 'electron'

// Built layout (electron-vite): out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
const here = dirname(fileURLToPath(import.meta.url))
const PRELOAD = join(here, '../preload/index.cjs')
const INDEX_HTML = pathToFileURL(join(here, '../renderer/index.html'))
/** Set by `electron-vite dev` to its dev server; absent in a built app. */
const DEV_URL = process.env.ELECTRON_RENDERER_URL

/** The page the window loads: the dev server in `electron-vite dev`, else the built index.html. */
export const APP_URL = DEV_URL ?? INDEX_HTML.href

/** Whether a frame URL is the app's own page (and not something it navigated to). */
export function isAppUrl(url: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (DEV_URL) return u.origin === new URL(DEV_URL).origin
  return u.protocol === 'file:' && u.pathname === INDEX_HTML.pathname
}

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'CNN Studio',
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      spellcheck: false,
    },
  })
  win.once('ready-to-show', () => win.show())
  lockDown(win.webContents)
  void win.loadURL(APP_URL)
  return win
}

/** No navigation away from the app, no new windows; http(s) links open in the system browser. */
function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}
