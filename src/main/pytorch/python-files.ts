import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The static Python files the PyTorch folder holds beside the generated model.py. */
export type PythonFile = 'safetensors_io.py' | 'train.py'

/**
 * Where a static Python file is: `python/` beside this module, which is src/main/pytorch/python
 * when running from source (tsx, vitest) and out/main/python in the electron-vite bundle (its
 * plugin in electron.vite.config.ts copies them there), or one folder up from a bundle chunk.
 */
export function pythonFile(name: PythonFile, here = dirname(fileURLToPath(import.meta.url))): string {
  const candidates = [join(here, 'python', name), join(here, '..', 'python', name)]
  const found = candidates.find((p) => existsSync(p))
  if (!found)
    throw new Error(
      `${name} is missing: looked in ${candidates.join(' and ')}. Rebuild the app (npm run build).`,
    )
  return found
}
