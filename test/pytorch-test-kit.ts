import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { findTorchPython } from '../src/main/pytorch/find-torch'

/**
 * The Python with torch the PyTorch tests run (find-torch.ts's candidates), or null: the tests then
 * skip with a message, unless CNN_STUDIO_REQUIRE_TORCH=1 (CI) makes a missing torch a failure.
 */
export function torchPython(): string | null {
  const found = findTorchPython()
  return found ? found.python : noTorch('no python with torch was found')
}

/**
 * Where PyTorch is missing (`why`): null, with a warning that the PyTorch checks are skipped; an
 * error instead under CNN_STUDIO_REQUIRE_TORCH=1 (CI, which installs Debian's python3-torch).
 */
export function noTorch(why: string): null {
  if (process.env.CNN_STUDIO_REQUIRE_TORCH === '1')
    throw new Error(
      `PyTorch is required here (CNN_STUDIO_REQUIRE_TORCH=1): ${why}. apt-get install python3-torch, or set CNN_STUDIO_PYTHON to a python with torch.`,
    )
  console.warn(
    `PyTorch is not installed (${why}; apt-get install python3-torch): the PyTorch checks are skipped.`,
  )
  return null
}

/**
 * Runs test/pytorch-evaluate.py over the case folders under `root` (one process for all of them)
 * and returns its report: per case, counts, state-dict keys and any error.
 */
export function evaluateInTorch(
  python: string,
  root: string,
  pythonDir: string,
): Record<string, TorchReport> {
  const script = fileURLToPath(new URL('./pytorch-evaluate.py', import.meta.url))
  const r = spawnSync(python, [script, root, pythonDir], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    timeout: 600_000,
    // No __pycache__ beside the source's Python files.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  })
  if (r.status !== 0) throw new Error(`pytorch-evaluate.py failed (${r.status}):\n${r.stderr}`)
  return JSON.parse(r.stdout) as Record<string, TorchReport>
}

export interface TorchReport {
  error?: string
  className: string
  inputShape: number[]
  classes: string[] | null
  /** Parameters that train (requires_grad), those that do not (a frozen γ or β), buffers. */
  trainable: number
  frozen: number
  /** Buffer elements, num_batches_tracked left out. */
  buffers: number
  keys: string[]
  /** Whether the case's weights were loaded (strictly), run, and saved again. */
  ran: boolean
}
