#!/usr/bin/env node
// Runs the TypeScript command line directly through tsx, so `npx cnn-studio` works right after
// `npm install` with no build step.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/main/cli/cnn-studio.ts')
process.exitCode = await main(process.argv.slice(2))
