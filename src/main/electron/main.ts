import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  session,
  type OpenDialogOptions,
  type SaveDialogOptions,
} from 'electron'
import { dataFlag, resolveDataDir } from '../data-dir'
import { installLastResort } from '../last-resort'
import { createServices, type Services } from '../services'
import { registerIpc, sendEvent } from './ipc'
import { buildMenu } from './menu'
import { createMainWindow } from './window'

/**
 * The Electron entry point: a thin shell. The services (src/main/services) run in plain Node and
 * are the same ones the `cnn-studio` command line and browser mode call.
 */
// An error nothing handled is logged; the window, its projects and live runs stay.
installLastResort({ log: (line) => console.error(line) })
app.enableSandbox()
// The user data folder is named after the app, as the command line's default (src/main/data-dir.ts).
app.setName('CNN Studio')

let mainWindow: BrowserWindow | null = null

/** How long a closing window may take to save before it is closed anyway. */
const SAVE_ON_CLOSE_MS = 3000

function open(): void {
  const win = createMainWindow()
  mainWindow = win
  // Closing asks the page to save first; it closes itself when done (or after the timeout).
  let saving = false
  win.on('close', (event) => {
    if (saving) return
    saving = true
    event.preventDefault()
    sendEvent(win, 'app.command', { command: 'save-and-close' })
    setTimeout(() => !win.isDestroyed() && win.destroy(), SAVE_ON_CLOSE_MS)
  })
  win.on('closed', () => (mainWindow = null))
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  void app.whenReady().then(() => {
    // The app needs no camera, microphone, notifications or geolocation.
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, grant) => grant(false))
    // Projects live in `--data DIR`, else $CNN_STUDIO_DATA, else Electron's user data folder.
    const dataDir = resolveDataDir({ flag: dataFlag(process.argv), osDefault: app.getPath('userData') })
    const services = createServices({
      dataDir,
      emit: (event, payload) => sendEvent(mainWindow, event, payload),
    })
    withNativeExportDialogs(services, () => mainWindow)
    registerIpc(services, () => mainWindow)
    Menu.setApplicationMenu(buildMenu(services, () => mainWindow))
    open()
    // macOS: clicking the dock icon with no window open reopens one.
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open()
    })
  })
}

/**
 * The export dialog's path in the desktop app: the services run on this machine, so a native save
 * dialog (a folder chooser for TF.js and PyTorch, which write their files into a folder) can
 * pick it. Plain Node answers `export.choosePath` with `unavailable`.
 */
function withNativeExportDialogs(services: Services, appWindow: () => BrowserWindow | null): void {
  const suggest = services['export.suggestPath']
  services['export.suggestPath'] = async (request) => ({ ...(await suggest(request)), native: true })
  services['export.choosePath'] = async ({ suggested, format }) => {
    const win = appWindow()
    if (format === 'onnx') {
      const options: SaveDialogOptions = {
        title: 'Export the model as ONNX',
        defaultPath: suggested || undefined,
        filters: [{ name: 'ONNX models', extensions: ['onnx'] }],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      }
      const picked = await (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options))
      // The save dialog asked before replacing an existing file: the export need not ask again.
      const path = picked.canceled || !picked.filePath ? null : picked.filePath
      return { path, overwriteConfirmed: path !== null }
    }
    const options: OpenDialogOptions = {
      title:
        format === 'tfjs'
          ? 'Choose the folder for the TF.js model (model.json and its weights)'
          : 'Choose the folder for the PyTorch model (model.py, its weights and train.py)',
      defaultPath: suggested || undefined,
      buttonLabel: 'Export here',
      properties: ['openDirectory', 'createDirectory'],
    }
    const picked = await (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options))
    const path = picked.filePaths[0]
    // A folder chooser asks nothing about the files inside (model.json, model.py…): the Export dialog does.
    return { path: picked.canceled || !path ? null : path, overwriteConfirmed: false }
  }
}
