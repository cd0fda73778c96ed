#!/usr/bin/env node
// The `cnn-studio` command. It runs the TypeScript sources through tsx, so `npx cnn-studio` works
// right after `npm install` with no build step; each command's module is loaded only when it runs.
import { register } from 'tsx/esm/api'

// `cnn-studio inspect resnet50 | head`: a closed pipe ends the output quietly, not with a stack.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw e
})

register()
const { main } = await import('../src/main/cli/cnn-studio.ts')
process.exitCode = await main(process.argv.slice(2))
