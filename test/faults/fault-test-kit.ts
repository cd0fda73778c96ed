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

/** Runs the `cnn-studio` command to its end. */
export function cli(args: string[], timeout = 120_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout })
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
