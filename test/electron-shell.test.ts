import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { METHOD_NAMES, splitMethodName, type Api, type Handlers } from '../src/shared/api/contract'

/**
 * The Electron shell without Electron: 'electron' is replaced by stand-ins (importing the real
 * package would try to download its binary), so the preload's `window.api` and the IPC handlers'
 * sender checks run in plain Node.
 */
const electron = vi.hoisted(() => ({
  exposed: {} as Record<string, unknown>,
  handlers: new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>(),
  invoke: null as null | ((channel: string, payload: unknown) => Promise<unknown>),
  listeners: new Map<string, ((...args: unknown[]) => void)[]>(),
  openDialog: { canceled: true, filePaths: [] as string[] },
  errorBoxes: [] as string[],
}))

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => {
      electron.exposed[key] = value
    },
  },
  ipcRenderer: {
    invoke: (channel: string, payload: unknown) => electron.invoke!(channel, payload),
    on: (channel: string, fn: (...args: unknown[]) => void) =>
      electron.listeners.set(channel, [...(electron.listeners.get(channel) ?? []), fn]),
    removeListener: (channel: string, fn: (...args: unknown[]) => void) =>
      electron.listeners.set(
        channel,
        (electron.listeners.get(channel) ?? []).filter((f) => f !== fn),
      ),
  },
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) => {
      if (electron.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      electron.handlers.set(channel, fn)
    },
    removeHandler: (channel: string) => electron.handlers.delete(channel),
  },
  BrowserWindow: class {},
  shell: { openExternal: vi.fn() },
  Menu: { buildFromTemplate: (template: unknown) => ({ template }) },
  dialog: {
    showOpenDialog: async () => electron.openDialog,
    showErrorBox: (title: string, message: string) => electron.errorBoxes.push(`${title}: ${message}`),
  },
}))

const { registerIpc } = await import('../src/main/electron/ipc')
const { buildMenu } = await import('../src/main/electron/menu')
const { APP_URL: appUrl } = await import('../src/main/electron/window')
await import('../src/preload/index')
const api = electron.exposed.api as Api

function fakeWindow(url = appUrl) {
  const mainFrame = { url }
  const webContents = { mainFrame, id: 1 }
  return { win: { isDestroyed: () => false, webContents }, webContents, mainFrame }
}

const notReached = () => {
  throw new Error('not reached in these tests')
}
const services: Handlers = {
  ...(Object.fromEntries(METHOD_NAMES.map((m) => [m, notReached])) as unknown as Handlers),
  'templates.list': () => [
    { name: 'tiny', title: 'Tiny', description: '', trainable: 1, nonTrainable: 0, macs: 2 },
  ],
}
const namespaces = [...new Set(METHOD_NAMES.map((m) => splitMethodName(m)[0]))]

describe('preload', () => {
  beforeEach(() => {
    electron.invoke = async (channel) => ({ ok: true, value: [channel] })
  })

  it('exposes one function per contract method, grouped by namespace', () => {
    expect(Object.keys(api).sort()).toEqual([...namespaces, 'on'].sort())
    expect(Object.keys(api.templates).sort()).toEqual(['get', 'list'])
    expect(Object.keys(api.graph)).toEqual(['analyse'])
  })

  it('invokes the method channel and unwraps the envelope', async () => {
    await expect(api.templates.list()).resolves.toEqual(['api:templates.list'])
    electron.invoke = async () => ({ ok: false, error: { code: 'not-found', message: 'No template x.' } })
    await expect(api.templates.get({ name: 'x' })).rejects.toThrow('No template x.')
  })

  it('subscribes only to listed events', () => {
    expect(() => api.on('nope' as never, () => {})).toThrow("Unknown event 'nope'.")
  })
})

describe('IPC handlers', () => {
  afterEach(() => electron.handlers.clear())

  it('registers one handler per method and serves the app window', async () => {
    const { win, webContents, mainFrame } = fakeWindow()
    const unregister = registerIpc(services, () => win as never)
    expect([...electron.handlers.keys()].sort()).toEqual(METHOD_NAMES.map((m) => `api:${m}`).sort())
    const list = electron.handlers.get('api:templates.list')!
    expect(await list({ sender: webContents, senderFrame: mainFrame }, {})).toMatchObject({
      ok: true,
      value: [{ name: 'tiny' }],
    })
    // The payload is parsed before the service sees it.
    const get = electron.handlers.get('api:templates.get')!
    expect(await get({ sender: webContents, senderFrame: mainFrame }, { name: 3 })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    })
    unregister()
    expect(electron.handlers.size).toBe(0)
  })

  it('refuses other senders: another webContents, a subframe, a page navigated elsewhere', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { win, webContents, mainFrame } = fakeWindow()
    const unregister = registerIpc(services, () => win as never)
    const list = electron.handlers.get('api:templates.list')!
    const forbidden = { ok: false, error: { code: 'forbidden', message: 'Not the CNN Studio window.' } }
    expect(await list({ sender: { ...webContents }, senderFrame: mainFrame }, {})).toEqual(forbidden)
    expect(await list({ sender: webContents, senderFrame: { url: appUrl } }, {})).toEqual(forbidden)
    expect(await list({ sender: webContents, senderFrame: null }, {})).toEqual(forbidden)
    mainFrame.url = 'https://example.com/'
    expect(await list({ sender: webContents, senderFrame: mainFrame }, {})).toEqual(forbidden)
    unregister()
    const closed = registerIpc(services, () => null)
    expect(await list({ sender: webContents, senderFrame: mainFrame }, {})).toEqual(forbidden)
    closed()
    expect(warn).toHaveBeenCalled()
    warn.mockRestore()
  })
})

describe('application menu', () => {
  interface Item {
    label?: string
    accelerator?: string
    click?: () => unknown
    submenu?: Item[]
  }
  const find = (items: Item[], label: string): Item | undefined =>
    items.flatMap((i) => [i, ...(i.submenu ?? [])]).find((i) => i.label === label)

  function menu(handlers: Handlers = services) {
    const sent: [string, unknown][] = []
    const win = {
      isDestroyed: () => false,
      webContents: { send: (c: string, p: unknown) => sent.push([c, p]) },
    }
    const built = buildMenu(handlers, () => win as never) as unknown as { template: Item[] }
    return { items: built.template, sent }
  }

  it('sends editing and view commands to the window, with the usual shortcuts', () => {
    const { items, sent } = menu()
    expect(find(items, 'Undo')!.accelerator).toBe('CmdOrCtrl+Z')
    find(items, 'Undo')!.click!()
    find(items, 'Paste')!.click!()
    find(items, 'Fit Graph')!.click!()
    find(items, 'Save')!.click!()
    expect(sent).toEqual([
      ['event:app.command', { command: 'undo' }],
      ['event:app.command', { command: 'paste' }],
      ['event:app.command', { command: 'fit' }],
      ['event:app.command', { command: 'save' }],
    ])
  })

  it('opens a file through the import service and tells the window which project to show', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'cnn-menu-'))
    const good = join(dir, 'net.cnnproj.json')
    writeFileSync(good, JSON.stringify({ format: 'cnn-studio/graph' }))
    const imported: unknown[] = []
    const handlers = {
      ...services,
      'projects.import': ({ file }: { file: unknown }) => {
        imported.push(file)
        return { id: 'p1' }
      },
    } as unknown as Handlers
    const { items, sent } = menu(handlers)
    electron.openDialog = { canceled: false, filePaths: [good] }
    find(items, 'Open…')!.click!()
    await vi.waitFor(() =>
      expect(sent).toEqual([['event:app.command', { command: 'open-project', id: 'p1' }]]),
    )
    expect(imported).toEqual([{ format: 'cnn-studio/graph' }])

    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{')
    electron.openDialog = { canceled: false, filePaths: [bad] }
    find(items, 'Open…')!.click!()
    await vi.waitFor(() => expect(electron.errorBoxes).toHaveLength(1))
    expect(electron.errorBoxes[0]).toMatch(/^Cannot open bad\.json: /)
  })
})
