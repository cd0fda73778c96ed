import { EventEmitter } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { openInBrowser, opener } from './open-browser'

const URL_ = 'http://127.0.0.1:7860/?token=s3cr3t_-x'

/** A spawn that records its call and returns a process that emits what the test says. */
function fakeSpawn(then: (child: EventEmitter) => void = () => {}) {
  const calls: { command: string; args: string[] }[] = []
  const spawn = (command: string, args: string[]) => {
    calls.push({ command, args })
    const child = Object.assign(new EventEmitter(), { unref() {} })
    queueMicrotask(() => then(child))
    return child as never
  }
  return { calls, spawn }
}

describe('openInBrowser', () => {
  it('opens a private redirect page, so that the token is never on a command line', () => {
    const { calls, spawn } = fakeSpawn()
    const remove = openInBrowser(URL_, { spawn, platform: 'linux', tmp: mkdtempSync(join(tmpdir(), 'ob-')) })
    expect(calls).toHaveLength(1)
    expect(calls[0].command).toBe('xdg-open')
    expect(calls[0].args.join(' ')).not.toContain('s3cr3t')
    const file = fileURLToPath(calls[0].args[0])
    expect(readFileSync(file, 'utf8')).toContain(`content="0;url=${URL_}"`)
    expect(statSync(file).mode & 0o077).toBe(0)
    remove()
    expect(existsSync(file)).toBe(false)
  })

  it('tells the user to open the URL when no browser starts', async () => {
    const messages: string[] = []
    const { spawn } = fakeSpawn((child) => child.emit('error', new Error('spawn xdg-open ENOENT')))
    openInBrowser(URL_, { spawn, onFail: (m) => messages.push(m) })()
    await new Promise((r) => setTimeout(r, 0))
    expect(messages).toEqual([
      'Could not open a browser (spawn xdg-open ENOENT): open the URL above yourself.',
    ])
  })

  it('uses each platform’s opener', () => {
    expect(opener('darwin', 'f')).toEqual(['open', ['f']])
    expect(opener('win32', 'f')).toEqual(['rundll32', ['url.dll,FileProtocolHandler', 'f']])
  })
})
