import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'

/** Helpers shared by the fault tests: child processes to kill, the CLI, and what a folder or database holds after. */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = path.join(ROOT, 'bin', 'cnn-studio.js')

/** An absolute path to a source module, for the scripts children run. */
export const source = (relative: string) => JSON.stringify(path.join(ROOT, relative))

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `cnn-studio-faults-${prefix}-`))
}

export function emptyFolder(parent: string, name: string): string {
  const dir = path.join(parent, name)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** Runs the `cnn-studio` command to its end (with `env` added to this process's environment). */
export function cli(args: string[], timeout = 120_000, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout,
    env: { ...process.env, ...env },
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** A child running an ES module script through tsx, its stdout read line by line. */
export interface Child {
  process: ChildProcess
  lines: string[]
  /** Resolves with the first line that matches (rejects when the child ends first). */
  waitFor(match: (line: string) => boolean, timeoutMs?: number): Promise<string>
  /** SIGKILL, then waits for the end. */
  kill(): Promise<void>
}

/** An ES module script run through tsx, as the services run in the app. */
export const startScript = (script: string) =>
  startNode(['--import', 'tsx', '--input-type=module', '-e', script])

/** The `cnn-studio` command, not waited for. */
export const startCli = (args: string[]) => startNode([BIN, ...args])

function startNode(args: string[]): Child {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  let partial = ''
  let stderr = ''
  const waiters: (() => void)[] = []
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString()
    const parts = partial.split('\n')
    partial = parts.pop()!
    lines.push(...parts)
    for (const w of waiters.splice(0)) w()
  })
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  void ended.then(() => waiters.splice(0).forEach((w) => w()))
  return {
    process: child,
    lines,
    waitFor(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out; stderr: ${stderr}`)), timeoutMs)
        const check = () => {
          const hit = lines.find(match)
          if (hit !== undefined) {
            clearTimeout(timer)
            resolve(hit)
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer)
            reject(new Error(`the child ended (${child.exitCode ?? child.signalCode}); stderr: ${stderr}`))
          } else waiters.push(check)
        }
        check()
      })
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await ended
    },
  }
}

/** The export temporary files and folders in `folder` (`.<name>.cnn-studio-tmp-<pid>-<n>`, and older `.partial`s). */
export const tempsIn = (folder: string) =>
  existsSync(folder) ? readdirSync(folder).filter((n) => /cnn-studio-tmp|\.partial$|\.probe$/.test(n)) : []

/** `PRAGMA integrity_check` of a database file, and its project names, read by a fresh connection. */
export function inspectDatabase(file: string): { integrity: string; projects: string[] } {
  // Read-write, as the app opens it: after a kill, SQLite recovers the WAL on this first open.
  const db = new Database(file, { fileMustExist: true })
  try {
    const integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? ''
    const projects = (db.prepare('SELECT name FROM projects ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    )
    return { integrity, projects }
  } finally {
    db.close()
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/* Database faults: a small disk, another process holding the write lock, metric rows. */

/**
 * Mounts a tmpfs of `size` (e.g. '3m') on `dir`: a real disk that fills up. False where this
 * process may not mount (not root, or a container without the capability).
 */
export function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true })
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status === 0
}

/** Grows (or shrinks) a tmpfs mounted by {@link mountTmpfs}: "space is freed". */
export function resizeTmpfs(dir: string, size: string): void {
  const r = spawnSync('mount', ['-o', `remount,size=${size}`, dir], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`remount ${dir} failed: ${r.stderr}`)
}

export function unmount(dir: string): void {
  spawnSync('umount', [dir])
}

/**
 * Another process (a child `node`) takes the database's write lock (`BEGIN IMMEDIATE`) and holds
 * it for `ms`; resolves once it holds it, with a promise of its release.
 */
export async function holdWriteLock(file: string, ms: number): Promise<{ released: Promise<void> }> {
  const code = `const D = require('better-sqlite3'); const db = new D(process.argv[1], { timeout: 5000 });
    db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[2]));
    db.exec('COMMIT'); db.close()`
  const child = spawn(process.execPath, ['-e', code, file, String(ms)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const released = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve())
    child.on('exit', (code) => reject(new Error(`the lock holder exited (${code}) before locking`)))
  })
  return { released }
}

/** `PRAGMA integrity_check` of a database file, read-only. */
export function integrity(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return db.pragma('integrity_check', { simple: true }) as string
  } finally {
    db.close()
  }
}

/** Rows that occur more than once: [value, count]. */
export function duplicates<T>(values: T[]): [T, number][] {
  const counts = new Map<string, { v: T; n: number }>()
  for (const v of values) {
    const k = JSON.stringify(v)
    const c = counts.get(k) ?? { v, n: 0 }
    c.n++
    counts.set(k, c)
  }
  return [...counts.values()].filter((c) => c.n > 1).map((c) => [c.v, c.n])
}

/** The metric rows of a run: no (epoch, batch, kind, name) may appear twice. */
export function metricKeys(file: string, runId: string): [number, number | null, string, string][] {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return db
      .prepare<[string], { epoch: number; batch: number | null; kind: string; name: string }>(
        'SELECT epoch, batch, kind, name FROM run_metrics WHERE run_id = ? ORDER BY id',
      )
      .all(runId)
      .map((r) => [r.epoch, r.batch, r.kind, r.name])
  } finally {
    db.close()
  }
}

/** JSON lines of `cnn-studio train --json` output. */
export const jsonLines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
