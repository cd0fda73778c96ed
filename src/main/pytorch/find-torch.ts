import { spawnSync } from 'node:child_process'

export interface TorchPython {
  /** The interpreter: a path or a command on PATH. */
  python: string
  /** `torch.__version__`, e.g. `1.13.0a0` or `2.3.0+cu121`. */
  torch: string
}

/**
 * Interpreters tried in order: the user's choice alone when set (so that a wrong one is reported,
 * never silently replaced, and "no PyTorch" can be chosen), else the `python3` on PATH, then the
 * system one (Debian's python3-torch lives there while PATH may name a pyenv or venv python without
 * torch).
 */
export function torchCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.CNN_STUDIO_PYTHON) return [env.CNN_STUDIO_PYTHON]
  return ['python3', '/usr/bin/python3']
}

const cache = new Map<string, TorchPython | null>()

/**
 * The first interpreter that imports torch, with torch's version, or null when none does. Each
 * candidate is asked once per process (importing torch takes a second or two).
 */
export function findTorchPython(env: NodeJS.ProcessEnv = process.env): TorchPython | null {
  for (const python of torchCandidates(env)) {
    if (!cache.has(python)) {
      const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
        encoding: 'utf8',
        timeout: 120_000,
      })
      cache.set(python, r.status === 0 ? { python, torch: r.stdout.trim() } : null)
    }
    const found = cache.get(python)
    if (found) return found
  }
  return null
}
