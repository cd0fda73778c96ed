import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url).pathname
const require = createRequire(import.meta.url)

describe('installing without warnings or downloads', () => {
  it('.npmrc holds only keys npm knows, so npm and npx print no "Unknown project config"', () => {
    const keys = readFileSync(path.join(root, '.npmrc'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => l.split('=')[0].trim())
    expect(keys).toEqual(['fund', 'audit'])
    const npm = spawnSync('npm', ['config', 'get', 'fund'], { cwd: root, encoding: 'utf8', timeout: 60_000 })
    expect(npm.stderr).not.toMatch(/Unknown project config/)
  })

  it("CI skips onnxruntime-node's CUDA download through the variable its install script reads", () => {
    expect(readFileSync(path.join(root, '.ci/run'), 'utf8')).toMatch(
      /^export ONNXRUNTIME_NODE_INSTALL=skip$/m,
    )
    const utils = require.resolve('onnxruntime-node/script/install-utils.js')
    const flag = (env: Record<string, string>) =>
      spawnSync(
        process.execPath,
        ['-e', `console.log(require(${JSON.stringify(utils)}).parseInstallFlag())`],
        {
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', ...env },
        },
      ).stdout.trim()
    expect(flag({ ONNXRUNTIME_NODE_INSTALL: 'skip' })).toBe('false')
    expect(flag({})).toBe('undefined')
  })

  it('npm start without Electron points to browser mode as it is, not as "coming"', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/start-electron.js')], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: mkdtempSync(path.join(tmpdir(), 'no-electron-')) },
    })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/npx cnn-studio serve +the app in your browser \(browser mode: the same editor,/)
    expect(r.stderr).not.toMatch(/coming/)
    expect(r.stderr).toMatch(/Node >= 22\.12 \(this is Node \d+\.\d+\.\d+\)/)
  })
})
