import { fileURLToPath } from 'node:url'
import { resolveDataDir } from '../data-dir'
import { DatabaseOpenError, type DB } from '../db/connection'
import { openDataDatabase } from '../db/open'
import { installLastResort } from '../last-resort'
import { createServices } from '../services'
import { startServer, type RunningServer } from '../transport/http-server'
import { EXIT, UsageError, type CliCommand, type CliIo } from './io'
import { openInBrowser } from './open-browser'
import { ensureRendererBuilt } from './renderer-build'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** Tried first when no --port is given; any free port if it is taken. */
export const DEFAULT_PORT = 7860

const help = `Usage: cnn-studio serve [--port N] [--data DIR] [--no-open]

Serves the CNN Studio editor and its services to a browser on this machine (127.0.0.1 only).
The first line printed is the URL to open, with a random access token, as Jupyter does; any
request without the token is refused.

  --port N     the port (default ${DEFAULT_PORT}, or any free one if it is taken; 0: any free one)
  --data DIR   the folder holding the project database (default: $CNN_STUDIO_DATA, else the
               user data folder, as the desktop app)
  --no-open    do not open the default browser (it is opened only when run in a terminal)`

export const command: CliCommand = {
  help,
  options: { port: { type: 'string' }, data: { type: 'string' }, 'no-open': { type: 'boolean' } },
  positionals: 0,
  run: (v, _p, io) =>
    serve(
      {
        port: v.port as string | undefined,
        data: v.data as string | undefined,
        open: !v['no-open'] && process.stdout.isTTY === true,
      },
      io,
    ),
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (text.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port must be a whole number from 0 to 65535, got '${text}'.`)
  return n
}

/** Opened before anything is printed, so that an unusable --data folder fails at once, not in the page. */
function openDatabase(dataDir: string): DB {
  try {
    return openDataDatabase(dataDir)
  } catch (e) {
    if (e instanceof DatabaseOpenError) throw new UsageError(e.message)
    throw e
  }
}

async function listen(services: ReturnType<typeof createServices>, staticDir: string, port?: number) {
  const start = (p: number) => startServer({ services, staticDir, port: p, downloads: services.downloads })
  try {
    return await start(port ?? DEFAULT_PORT)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE' && port === undefined) return start(0)
    if (code === 'EADDRINUSE')
      throw new UsageError(
        `Port ${port} is in use: choose another with --port, or --port 0 for any free one.`,
      )
    if (code === 'EACCES')
      throw new UsageError(`Port ${port} needs privileges this user lacks: choose one above 1023.`)
    throw e
  }
}

/** Resolves on the first SIGINT or SIGTERM; a second one ends the process at once. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      process.once('SIGINT', () => process.exit(130))
      process.once('SIGTERM', () => process.exit(143))
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

export async function serve(
  opts: { port?: string; data?: string; open?: boolean },
  io: CliIo,
  stop: () => Promise<void> = stopSignal,
): Promise<number> {
  const port = parsePort(opts.port)
  const dataDir = resolveDataDir({ flag: opts.data })
  const staticDir = ensureRendererBuilt(ROOT, io)
  const db = openDatabase(dataDir)
  // One failing request or run must not end the server and every tab's session with it.
  const removeLastResort = installLastResort({ log: io.err })
  let server: RunningServer | undefined
  let services: ReturnType<typeof createServices> | undefined
  let removeRedirect = () => {}
  try {
    // Events (training progress) go to the browser tabs over the server's WebSocket.
    services = createServices({ dataDir, db, emit: (event, payload) => server?.emit(event, payload) })
    server = await listen(services, staticDir, port)
    io.out(server.url)
    io.out(`Serving CNN Studio on 127.0.0.1 only, projects in ${dataDir}. Press Ctrl+C to stop.`)
    if (opts.open) removeRedirect = openInBrowser(server.url, { onFail: io.err })
    await stop()
    io.err('Stopping…')
  } finally {
    // Runs stop after their current batch; their last checkpoints stay, so they can be resumed.
    await services?.close()
    await server?.close()
    db.close()
    removeRedirect()
    removeLastResort()
  }
  return EXIT.ok
}
