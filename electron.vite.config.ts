import { copyFileSync, mkdirSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'

const root = import.meta.dirname

/**
 * Loaded from node_modules at run time, never bundled: better-sqlite3, onnxruntime-node and webgpu
 * (Dawn's dawn.node) are native addons, and tfjs-backend-webgpu must register into the one
 * @tensorflow/tfjs that training loads (a bundled copy would bring its own tfjs-core). externalizeDeps
 * already leaves every dependency out; naming them keeps it so if it is ever narrowed.
 */
const UNBUNDLED = ['better-sqlite3', 'onnxruntime-node', 'webgpu', '@tensorflow/tfjs-backend-webgpu']

/**
 * The PyTorch folder's static Python files (safetensors_io.py, train.py) go beside the main bundle,
 * in out/main/python, where src/main/pytorch/python-files.ts looks for them.
 */
function copyPythonFiles(): Plugin {
  const from = resolve(root, 'src/main/pytorch/python')
  return {
    name: 'cnn-studio-python-files',
    writeBundle(options) {
      const to = join(options.dir ?? resolve(root, 'out/main'), 'python')
      mkdirSync(to, { recursive: true })
      for (const f of readdirSync(from)) if (f.endsWith('.py')) copyFileSync(join(from, f), join(to, f))
    },
  }
}

/**
 * Three bundles by runtime: main (Node, ESM as package.json says), preload (sandboxed: one
 * CommonJS file that requires nothing but 'electron', so every dependency is bundled in) and the
 * renderer (a web page). 'electron' and Node builtins stay external in main and preload.
 */
export default defineConfig({
  main: {
    plugins: [copyPythonFiles()],
    build: {
      outDir: resolve(root, 'out/main'),
      // Dependencies load from node_modules at run time (UNBUNDLED above must).
      externalizeDeps: true,
      rolldownOptions: {
        // Each worker thread is its own entry: a worker thread loads it by file name (spawn-worker.ts).
        input: {
          index: resolve(root, 'src/main/electron/main.ts'),
          'training-worker': resolve(root, 'src/main/training/worker.ts'),
          'export-worker': resolve(root, 'src/main/export/worker.ts'),
          'gradient-worker': resolve(root, 'src/main/training/gradient-worker.ts'),
          'dataset-worker': resolve(root, 'src/main/pytorch/dataset-worker.ts'),
          'insight-worker': resolve(root, 'src/main/insight/worker.ts'),
        },
        external: ['electron', /^electron\/.+/, ...UNBUNDLED],
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
  },
})
