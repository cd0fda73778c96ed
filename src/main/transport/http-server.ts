import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  isMethodName,
  type Envelope,
  type ErrorCode,
  type EventName,
  type EventPayload,
  type Handlers,
} from '../../shared/api/contract'
import { dispatch } from '../../shared/api/dispatch'
import { serveStatic } from './static-files'

export interface ServerOptions {
  /** The contract's implementation (`createServices()`), or any map of handlers (tests). */
  services: Handlers
  /** The built renderer (out/renderer). */
  staticDir: string
  /** 0 or absent: any free port. */
  port?: number
  /** Random when absent. */
  token?: string
  /** Request bodies larger than this are refused with 413. */
  maxBodyBytes?: number
  /** Verified exports to serve once at `GET /download/<id>` (`services.downloads`); absent: 404. */
  downloads?: {
    take(id: string): { file: string; name: string; bytes: number; done(): void } | 'gone' | null
  }
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT/?token=…`: what a user opens. */
  url: string
  port: number
  token: string
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void
  close(): Promise<void>
}

const STATUS: Record<ErrorCode, number> = {
  'bad-request': 400,
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
  internal: 500,
}

/**
 * Browser mode's transport: the contract's methods as `POST /api/<method>` and its events on a
 * WebSocket at `/api/events`, bound to 127.0.0.1 only. Every /api/ request needs the random token
 * (401 without it), a Host naming this server and no foreign Origin (403: DNS rebinding and
 * cross-site requests), and a body that parses with the method's schema (400). `GET /download/<id>`
 * streams an export once (the token in the query, as a link cannot send a header); 410 after.
 * docs/browser-mode.md.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const maxBody = options.maxBodyBytes ?? 64 * 1024 * 1024
  const tokenBytes = Buffer.from(token)
  let port = 0
  const hosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`])
  const origins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`])
  const securityHeaders = () => ({
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
      `img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; ` +
      "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    'X-Content-Type-Options': 'nosniff',
    // The page's URL carries the token: never send it on as a referrer.
    'Referrer-Policy': 'no-referrer',
  })

  const validToken = (given: string | null | undefined): boolean => {
    if (!given) return false
    const b = Buffer.from(given)
    return b.length === tokenBytes.length && timingSafeEqual(b, tokenBytes)
  }
  /** Host, Origin and token checks shared by API calls and the WebSocket; null when all pass. */
  const refuse = (req: IncomingMessage, given: string | null | undefined): [number, string] | null => {
    if (!hosts().has(req.headers.host ?? '')) return [403, 'Forbidden: wrong Host header.']
    const origin = req.headers.origin
    if (origin !== undefined && !origins().has(origin))
      return [403, `Forbidden: requests from ${origin} are refused.`]
    if (!validToken(given))
      return [401, 'Unauthorized: a valid token is required (open the URL cnn-studio serve printed).']
    return null
  }

  const reply = (res: ServerResponse, status: number, body: Envelope<unknown>) => {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      ...securityHeaders(),
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    })
    res.end(text)
  }
  const error = (res: ServerResponse, status: number, code: ErrorCode, message: string) =>
    reply(res, status, { ok: false, error: { code, message } })

  async function api(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    const refused = refuse(req, bearer)
    if (refused) return error(res, refused[0], 'forbidden', refused[1])
    if (req.method !== 'POST') return error(res, 405, 'bad-request', 'Use POST for /api/ calls.')
    if (!isMethodName(method))
      return error(res, 404, 'not-found', `Unknown method ${JSON.stringify(method)}.`)
    const tooLarge = () => {
      res.setHeader('Connection', 'close')
      error(res, 413, 'bad-request', `The request is larger than ${maxBody} bytes.`)
    }
    // Refused before a byte is read when the client says how much it will send.
    if (Number(req.headers['content-length']) > maxBody) return tooLarge()
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > maxBody) {
        tooLarge()
        req.destroy()
        return
      }
      chunks.push(chunk)
    }
    let payload: unknown
    try {
      payload = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}
    } catch (e) {
      return error(res, 400, 'bad-request', `The request body is not JSON: ${(e as Error).message}`)
    }
    const envelope = await dispatch(options.services, method, payload)
    reply(res, envelope.ok ? 200 : STATUS[envelope.error.code], envelope)
  }

  /** Plain text: a download's error shows in the browser's downloads or a tab, not in the page. */
  const text = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, {
      ...securityHeaders(),
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    })
    res.end(message)
  }

  async function download(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const refused = refuse(req, new URL(req.url ?? '/', 'http://x').searchParams.get('token'))
    if (refused) return text(res, refused[0], refused[1])
    if (req.method !== 'GET') return text(res, 405, 'Use GET for /download/.')
    const taken = options.downloads?.take(id) ?? null
    if (taken === 'gone')
      return text(res, 410, 'This export was downloaded already or has expired. Export it again.')
    if (!taken) return text(res, 404, 'No such export. Export the model again from the Export dialog.')
    const ascii = taken.name.replace(/[^\x20-\x7e]|["\\]/g, '_')
    res.writeHead(200, {
      ...securityHeaders(),
      'Content-Type': 'application/octet-stream',
      'Content-Length': taken.bytes,
      'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(taken.name)}`,
      'Cache-Control': 'no-store',
    })
    const stream = createReadStream(taken.file)
    await new Promise<void>((resolve) => {
      // One-time either way: sent, or the connection dropped.
      res.once('close', () => {
        stream.destroy()
        taken.done()
        resolve()
      })
      stream.once('error', () => res.destroy())
      stream.pipe(res)
    })
  }

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x')
    const handle = pathname.startsWith('/api/')
      ? api(req, res, pathname.slice('/api/'.length))
      : pathname.startsWith('/download/')
        ? download(req, res, decodeURIComponent(pathname.slice('/download/'.length)))
        : serveStatic(options.staticDir, req, res, securityHeaders())
    handle.catch((e: unknown) => {
      console.error('cnn-studio serve:', e)
      if (!res.headersSent) error(res, 500, 'internal', 'Internal error.')
      else res.destroy()
    })
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  const clients = new Set<WebSocket>()
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', 'http://x')
    const refused =
      url.pathname === '/api/events' ? refuse(req, url.searchParams.get('token')) : [404, 'Not found']
    if (refused) {
      socket.end(`HTTP/1.1 ${refused[0]} ${STATUS_CODES[refused[0]]}\r\nConnection: close\r\n\r\n`)
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws)
      ws.on('close', () => clients.delete(ws))
      // A bad frame (or one over maxPayload) closes this socket; unheard, it would end the process.
      ws.on('error', () => ws.terminate())
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    emit(event, payload) {
      const message = JSON.stringify({ event, payload })
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(message)
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of clients) ws.terminate()
        sockets.close()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
