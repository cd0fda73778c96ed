#!/usr/bin/env node
// `npm start`: builds the app with electron-vite and opens it in Electron.
//
// Electron 45 has no install script: its binary is downloaded from GitHub the first time
// `require('electron')` runs. This script looks for the binary without triggering that download,
// and when it is missing says so and points to what works without it.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

/** The Electron executable, or null when it has not been downloaded. Never downloads. */
function findElectron() {
  let dir
  try {
    // package.json, not the package itself: loading `electron` would start the download.
    dir = dirname(require.resolve('electron/package.json'))
  } catch {
    return { exe: null, why: 'the electron package is not installed (run `npm install`)' }
  }
  const pathFile = join(dir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    const exe = join(override, relative || 'electron')
    return existsSync(exe) ? { exe } : { exe: null, why: `ELECTRON_OVERRIDE_DIST_PATH has no ${exe}` }
  }
  if (!relative) return { exe: null, why: `${join(dir, 'path.txt')} does not exist` }
  const exe = join(dir, 'dist', relative)
  return existsSync(exe) ? { exe } : { exe: null, why: `${exe} does not exist` }
}

const found = findElectron()
if (!found.exe) {
  console.error(
    [
      'CNN Studio: the Electron binary is not installed on this machine',
      `(${found.why}).`,
      '',
      'Electron downloads its binary on first start, which needs network access to GitHub',
      `and Node >= 22.12 (this is Node ${process.versions.node}).`,
      'Where GitHub is reachable, fetch it with `npx install-electron`, then run `npm start` again.',
      '',
      'Without Electron, the same services run from the command line:',
      '  npx cnn-studio serve                the app in your browser (browser mode: the same editor,',
      '                                      training panel and projects)',
      '  npx cnn-studio templates            list the built-in templates',
      '  npx cnn-studio inspect <template>   shapes, parameters and MACs of each layer',
      '  npx cnn-studio train <template> --dataset NAME   train one (see `npx cnn-studio train --help`)',
    ].join('\n'),
  )
  process.exit(1)
}

// `npm run build`, in this process: out/main, out/preload and out/renderer.
const { build } = await import('electron-vite')
try {
  await build({ root })
} catch (e) {
  console.error(`CNN Studio: the build failed: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
}

const child = spawn(found.exe, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
child.on('error', (e) => {
  console.error(`CNN Studio: could not start ${found.exe}: ${e.message}`)
  process.exit(1)
})
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
