import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const MODULE = fileURLToPath(new URL('./last-resort.ts', import.meta.url))

/** Runs `body` in a child Node (through tsx) after installing the handlers with `options`. */
function child(body: string, options = '') {
  const code = `const { installLastResort } = await import(${JSON.stringify(MODULE)});
    installLastResort({ log: (l) => console.error(l) ${options} });
    ${body}`
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 30_000,
  })
}

describe('installLastResort', () => {
  it('logs an uncaught exception and an unhandled rejection, and the process goes on', () => {
    const r = child(`setTimeout(() => { throw new Error('thrown in a timer') })
      Promise.reject(new Error('rejected'))
      setTimeout(() => console.log('still alive'), 100)`)
    expect(r.stdout).toBe('still alive\n')
    expect(r.stderr).toMatch(/an unexpected error, logged and ignored: Error: thrown in a timer\n\s+at /)
    expect(r.stderr).toMatch(/an unhandled promise rejection, logged and ignored: Error: rejected/)
    expect(r.status).toBe(0)
  })

  it('exits with status 70 when errors come in a storm', () => {
    const r = child(
      `for (let i = 0; i < 5; i++) setTimeout(() => { throw new Error('again ' + i) })
      setTimeout(() => console.log('still alive'), 200)`,
      ', limit: 3',
    )
    expect(r.stderr).toMatch(/4 unexpected errors within 60 s; exiting\./)
    expect(r.stdout).toBe('')
    expect(r.status).toBe(70)
  })

  it('without it, the same exception ends the process (what it guards against)', () => {
    const r = spawnSync(
      process.execPath,
      [
        '-e',
        `setTimeout(() => { throw new Error('thrown in a timer') }); setTimeout(() => console.log('still alive'), 100)`,
      ],
      { encoding: 'utf8' },
    )
    expect(r.stdout).toBe('')
    expect(r.status).not.toBe(0)
  })
})
