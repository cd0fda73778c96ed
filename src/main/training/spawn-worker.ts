import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * Starts a training worker thread: the bundled `training-worker.js` next to the built main
 * process (the desktop app), else the TypeScript sources through tsx (cnn-studio, tests).
 */
export function spawnTrainingWorker(): Worker {
  const bundled = fileURLToPath(new URL('./training-worker.js', import.meta.url))
  const entry = existsSync(bundled) ? bundled : fileURLToPath(new URL('./worker-entry.mjs', import.meta.url))
  // The wasm backend keeps its own heap; the thread's JS heap holds the dataset and batches.
  return new Worker(entry, { resourceLimits: { maxOldGenerationSizeMb: 4096 } })
}
