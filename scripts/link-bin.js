// npm links the bins of dependencies into node_modules/.bin, but not the project's own; this makes
// `npx cnn-studio` work in a checkout right after `npm install` (run as the `prepare` script).
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const binDir = join(root, 'node_modules', '.bin')
const target = join(root, 'bin', 'cnn-studio.js')
mkdirSync(binDir, { recursive: true })
chmodSync(target, 0o755)
const link = join(binDir, 'cnn-studio')
rmSync(link, { force: true })
symlinkSync(relative(binDir, target), link)
