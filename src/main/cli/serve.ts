import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { resolveDataDir } from '../data-dir'
import { createServices } from '../services'
import { startServer } from '../transport/http-server'
import { EXIT, UsageError, type CliCommand, type CliIo } from './io'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const STATIC_DIR = join(ROOT, 'out', 'renderer')
/** Tried first when no --port is given; any free port if it is taken. */
export const DEFAULT_PORT = 7860

const help = `Usage: cnn-studio serve [--port N] [--data DIR]

Serves the CNN Studio editor and its services to a browser on this machine (127.0.0.1 only).
The first line printed is the URL to open, with a random access token, as Jupyter does; any
request without the token is refused.

  --port N     the port (default ${DEFAULT_PORT}, or any free one if it is taken)
  --data DIR   the folder holding the project database (default: $CNN_STUDIO_DATA, else the
               user data folder, as the desktop app)`

export const command: CliCommand = {
  help,
  options: { port: { type: 'string' }, data: { type: 'string' } },
  positionals: 0,
  run: (v, _p, io) => serve({ port: v.port as string | undefined, data: v.data as string | undefined }, io),
}

/** Builds the renderer when this checkout has not yet (right after `npm install`). */
function ensureBuilt(io: CliIo): void {
  if (existsSync(join(STATIC_DIR, 'index.html'))) return
  io.err('Building the editor (first run, a few seconds)…')
  const bin = join(
    ROOT,
    'node_modules',
    '.bin',
    process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite',
  )
  const r = spawnSync(bin, ['build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
  if (r.status !== 0 || !existsSync(join(STATIC_DIR, 'index.html')))
    throw new UsageError(
      `Could not build the editor (npm run build): ${r.stderr || r.error?.message || 'unknown error'}`,
    )
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port must be a whole number from 0 to 65535, got '${text}'.`)
  return n
}

export async function serve(opts: { port?: string; data?: string }, io: CliIo): Promise<number> {
  const port = parsePort(opts.port)
  const dataDir = resolveDataDir({ flag: opts.data })
  ensureBuilt(io)
  const handlers = createServices({ dataDir })
  const listen = (p: number) => startServer({ handlers, staticDir: STATIC_DIR, port: p })
  let server
  try {
    server = await listen(port ?? DEFAULT_PORT)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e
    if (port !== undefined)
      throw new UsageError(
        `Port ${port} is in use: choose another with --port, or --port 0 for any free one.`,
      )
    server = await listen(0)
  }
  io.out(server.url)
  io.out(`Serving CNN Studio on 127.0.0.1 only, projects in ${dataDir}. Press Ctrl+C to stop.`)
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      void server.close().then(resolve)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  return EXIT.ok
}
