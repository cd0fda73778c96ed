import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { UsageError, type CliIo } from './io'

/**
 * The built editor that `serve` hands to browsers: `out/renderer`, made by `npm run build`. A
 * checkout right after `npm install` has none, so it is built on first use with the project's own
 * electron-vite (a devDependency, about a second; `npx` could reach for the registry instead).
 */
export function ensureRendererBuilt(root: string, io: CliIo): string {
  const dir = join(root, 'out', 'renderer')
  const page = join(dir, 'index.html')
  if (existsSync(page)) {
    const newer = newestSource(root)
    if (newer && newer.mtimeMs > statSync(page).mtimeMs)
      io.err(
        `Note: the editor in out/renderer is older than ${newer.path}; run 'npm run build' to serve your changes.`,
      )
    return dir
  }
  io.err('Building the editor (first run, a few seconds)…')
  // Its JS entry run by this Node: no shell, no .cmd shim on Windows, no PATH lookup.
  const bin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  const r = spawnSync(process.execPath, [bin, 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  })
  if (r.status !== 0 || !existsSync(page))
    throw new UsageError(
      `Could not build the editor; run 'npm run build' and see its output. ${r.stderr || r.error?.message || ''}`.trim(),
    )
  return dir
}

/**
 * The most recently changed file the page is built from (src/renderer, src/shared), or null where
 * there are no sources (an installed package). Rebuilding here instead of warning would empty
 * out/renderer under any other server or test reading it.
 */
function newestSource(root: string): { path: string; mtimeMs: number } | null {
  let best: { path: string; mtimeMs: number } | null = null
  const walk = (rel: string) => {
    let entries
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const p = `${rel}/${e.name}`
      if (e.isDirectory()) walk(p)
      else if (/\.(tsx?|css|html|svg)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) {
        const mtimeMs = statSync(join(root, p)).mtimeMs
        if (!best || mtimeMs > best.mtimeMs) best = { path: p, mtimeMs }
      }
    }
  }
  walk('src/renderer')
  walk('src/shared')
  return best
}
