import { defineConfig } from 'vitest/config'

// Two projects by runtime, as the tsconfigs: Node for shared and main code, jsdom for the renderer.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/shared/**/*.test.ts', 'src/main/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          // Many tests start real processes (the CLI, worker threads, Python's ONNX checker); under
          // a loaded 2-core CI machine a handful of them take more than vitest's default 5 s.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['src/renderer/**/*.test.{ts,tsx}'],
        },
      },
    ],
  },
})
