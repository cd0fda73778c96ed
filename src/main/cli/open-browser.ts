import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

type Spawn = (command: string, args: string[], options: SpawnOptions) => ChildProcess

export interface OpenOptions {
  platform?: NodeJS.Platform
  spawn?: Spawn
  /** Where the private redirect folder is made (os.tmpdir()). */
  tmp?: string
  /** Told when no browser could be started. */
  onFail?: (message: string) => void
}

/** The command that opens a file in the user's default browser, by platform. */
export function opener(platform: NodeJS.Platform, file: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [file]]
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', file]]
  return ['xdg-open', [file]]
}

/**
 * Opens `url` in the default browser without putting it on a command line, where any user of the
 * machine could read the token in the process list: as Jupyter does, the browser is given a
 * redirect page in a folder only this user can read (0700/0600). Returns what removes the file.
 */
export function openInBrowser(url: string, options: OpenOptions = {}): () => void {
  const dir = mkdtempSync(join(options.tmp ?? tmpdir(), 'cnn-studio-'))
  const file = join(dir, 'open.html')
  const attr = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;')
  writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${attr}">` +
      `<title>CNN Studio</title><p><a href="${attr}">Open CNN Studio</a></p>\n`,
    { mode: 0o600 },
  )
  const [command, args] = opener(options.platform ?? process.platform, pathToFileURL(file).href)
  const fail = (why: string) =>
    options.onFail?.(`Could not open a browser (${why}): open the URL above yourself.`)
  try {
    const child = (options.spawn ?? nodeSpawn)(command, args, { stdio: 'ignore', detached: true })
    child.on('error', (e) => fail(e.message))
    child.on('exit', (code) => code && fail(`${command} exited with ${code}`))
    child.unref()
  } catch (e) {
    fail((e as Error).message)
  }
  return () => rmSync(dir, { recursive: true, force: true })
}
