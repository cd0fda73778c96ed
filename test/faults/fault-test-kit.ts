import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'

/** Faults for tests: a small disk, another process holding the database's write lock, the CLI. */

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/cnn-studio.js', import.meta.url))

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
