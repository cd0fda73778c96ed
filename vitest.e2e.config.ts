import { defineConfig } from 'vitest/config'

// End-to-end tests: Debian's Chromium (playwright-core) against `cnn-studio serve`. Run by
// `npm run test:e2e` after a build; CI installs Chromium first (.ci/run).
export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
