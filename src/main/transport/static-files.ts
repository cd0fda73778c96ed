import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
}

/**
 * Serves the built renderer from `root`: `/` is index.html; a path that decodes outside `root`
 * (`/../package.json`, `%2e%2e/`, a backslash, a NUL) is refused, never resolved.
 */
export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  const end = (status: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', ...extra })
    res.end(text)
  }
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return end(405, 'Method not allowed', { Allow: 'GET, HEAD' })
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
  } catch {
    return end(400, 'Bad path')
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return end(400, 'Bad path')
  const rel = pathname === '/' ? 'index.html' : pathname.slice(1)
  const file = path.resolve(root, rel)
  if (!file.startsWith(path.resolve(root) + path.sep)) return end(404, 'Not found')
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) return end(404, 'Not found')
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': String(info.size),
    // The page is the entry point (a new build changes it); hashed assets never change.
    'Cache-Control': rel === 'index.html' ? 'no-store' : 'public, max-age=31536000, immutable',
  })
  if (req.method === 'HEAD') return void res.end()
  // A file removed after the stat (a rebuild empties out/) or a client gone mid-way ends this
  // response only; `.pipe` would leave the read error unheard and end the process.
  await pipeline(createReadStream(file), res).catch(() => res.destroy())
}
