import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron'
import type { AppCommand, Handlers } from '../../shared/api/contract'
import { PROJECT_FILE_EXTENSION } from '../../shared/api/projects'
import { sendEvent } from './ipc'

/**
 * The application menu. Editing commands go to the window as `app.command` events, because undo,
 * copy and paste act on the graph document (the window falls back to the text commands while a
 * text field has the focus). Opening a file reads it here, through a native dialog, and imports it
 * with the same service as the window's "Open file…".
 */
export function buildMenu(services: Handlers, appWindow: () => BrowserWindow | null): Menu {
  const send = (command: AppCommand) => sendEvent(appWindow(), 'app.command', command)
  const item = (label: string, accelerator: string | undefined, command: AppCommand['command']) =>
    ({
      label,
      accelerator,
      click: () => send({ command } as AppCommand),
    }) satisfies MenuItemConstructorOptions

  const openFile = async () => {
    const win = appWindow()
    if (!win) return
    const picked = await dialog.showOpenDialog(win, {
      title: 'Open a project or graph',
      filters: [{ name: 'CNN Studio projects and graphs', extensions: ['json'] }],
      properties: ['openFile'],
    })
    const path = picked.filePaths[0]
    if (picked.canceled || !path) return
    try {
      const project = await services['projects.import']({ file: JSON.parse(await readFile(path, 'utf8')) })
      send({ command: 'open-project', id: project.id })
    } catch (e) {
      dialog.showErrorBox(`Cannot open ${basename(path)}`, e instanceof Error ? e.message : String(e))
    }
  }

  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        item('New Project', 'CmdOrCtrl+N', 'new'),
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => void openFile() },
        item('Save', 'CmdOrCtrl+S', 'save'),
        { type: 'separator' },
        { label: 'Import Project…', click: () => void openFile() },
        item(`Export Project (${PROJECT_FILE_EXTENSION})…`, 'CmdOrCtrl+E', 'export'),
        item('Export Model (ONNX / TF.js / PyTorch)…', 'Shift+CmdOrCtrl+E', 'export-model'),
        { type: 'separator' },
        { role: process.platform === 'darwin' ? 'close' : 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        item('Undo', 'CmdOrCtrl+Z', 'undo'),
        item('Redo', process.platform === 'darwin' ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Y', 'redo'),
        { type: 'separator' },
        item('Cut', 'CmdOrCtrl+X', 'cut'),
        item('Copy', 'CmdOrCtrl+C', 'copy'),
        item('Paste', 'CmdOrCtrl+V', 'paste'),
        item('Duplicate', 'CmdOrCtrl+D', 'duplicate'),
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        item('Fit Graph', 'CmdOrCtrl+0', 'fit'),
        item('Zoom In', 'CmdOrCtrl+=', 'zoom-in'),
        item('Zoom Out', 'CmdOrCtrl+-', 'zoom-out'),
        item('Auto-layout', 'CmdOrCtrl+L', 'layout'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        { role: 'toggleDevTools' },
      ],
    },
  ]
  return Menu.buildFromTemplate(template)
}
