import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

/** The main process's worker threads: each a bundle entry (electron.vite.config.ts) and its source. */
const SOURCES = {
  'training-worker': '../training/worker.ts',
  'export-worker': '../export/worker.ts',
  'gradient-worker': '../training/gradient-worker.ts',
  'dataset-worker': '../pytorch/dataset-worker.ts',
  'insight-worker': '../insight/worker.ts',
} as const

/**
 * Starts a worker thread: the bundled `<name>.js` next to the built main process (the desktop
 * app), else its TypeScript source through tsx (cnn-studio, tests; see worker-entry.mjs).
 */
export function spawnWorker(name: keyof typeof SOURCES): Worker {
  const here = dirname(fileURLToPath(import.meta.url))
  // The wasm backend keeps its own heap; the thread's JS heap holds the dataset and batches.
  const resourceLimits = { maxOldGenerationSizeMb: 4096 }
  const bundled = join(here, `${name}.js`)
  if (existsSync(bundled)) return new Worker(bundled, { resourceLimits })
  const source = pathToFileURL(join(here, SOURCES[name])).href
  return new Worker(join(here, 'worker-entry.mjs'), { resourceLimits, workerData: { source } })
}

/** Starts a training worker thread (training/worker.ts). */
export const spawnTrainingWorker = (): Worker => spawnWorker('training-worker')
