import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { asFloat32, decodeSafetensors, encodeSafetensors, f32Tensor } from './safetensors'

/**
 * An exported PyTorch folder run in PyTorch: its model.py with its weights.safetensors, in a python
 * process, on the images TF.js ran, so that the export can compare the logits (export-model.ts,
 * as it compares onnxruntime's).
 */

/** The folder's model did not run in PyTorch (python failed, crashed or took too long): the message says why. */
export class TorchRunError extends Error {}

/** What the export says when no python with torch is found: why, and what to install. */
export function torchNotFound(env: NodeJS.ProcessEnv = process.env): string {
  const why = env.CNN_STUDIO_PYTHON
    ? `CNN_STUDIO_PYTHON names ${env.CNN_STUDIO_PYTHON}, which does not run or cannot import torch`
    : 'no python3 on this machine imports torch'
  return (
    `PyTorch was not found (${why}), so the folder was written without running it in PyTorch. ` +
    "To have PyTorch exports verified, install PyTorch 1.13 or later (pip install torch, or Debian's " +
    'apt-get install python3-torch), or set CNN_STUDIO_PYTHON to a python that has it, and export again.'
  )
}

/** Files CNN Studio writes beside the folder's own in the temporary copy. */
const INPUTS = 'cnn-studio-inputs.safetensors'
const LOGITS = 'cnn-studio-logits.safetensors'

/** Run by python in the temporary copy: `model.build_model()`, strict load, eval mode, no gradients. */
const SCRIPT = `
import os, sys
sys.dont_write_bytecode = True
folder = sys.argv[1]
sys.path.insert(0, folder)
import torch
from safetensors_io import load_file, save_file
import model as network
module = network.build_model()
module.load_state_dict(load_file(os.path.join(folder, "weights.safetensors")), strict=True)
module.eval()
with torch.no_grad():
    logits = module(load_file(os.path.join(folder, "${INPUTS}"))["images"])
save_file({"logits": logits.detach().float().contiguous()}, os.path.join(folder, "${LOGITS}"))
`

/** How long a run may take: importing torch takes seconds, a big model's forward on 16 images more. */
export const TORCH_RUN_TIMEOUT_MS = 300_000
/** The lines of python's stderr a failure quotes. */
const TAIL_LINES = 15

const tail = (text: string) => text.trimEnd().split('\n').slice(-TAIL_LINES).join('\n')

/**
 * Writes `files` (the folder as torchProjectFiles makes it) to a temporary folder, runs its model in
 * `python` on `images` (float32 NCHW, `shape` [N, C, H, W]) and returns the logits, [N × classes].
 * The temporary folder is removed afterwards. Throws TorchRunError with python's last stderr lines
 * when it fails, or when it runs longer than `timeoutMs`.
 */
export async function torchLogits(
  files: readonly { name: string; data: Uint8Array | string }[],
  images: Float32Array,
  shape: readonly [number, number, number, number],
  options: { python: string; timeoutMs?: number },
): Promise<Float32Array> {
  const timeoutMs = options.timeoutMs ?? TORCH_RUN_TIMEOUT_MS
  const dir = await mkdtemp(join(tmpdir(), 'cnn-studio-verify-torch-'))
  try {
    for (const f of files) await writeFile(join(dir, f.name), f.data)
    await writeFile(join(dir, INPUTS), encodeSafetensors([f32Tensor('images', [...shape], images)]))
    await runPython(options.python, dir, timeoutMs)
    const bytes = await readFile(join(dir, LOGITS)).catch(() => {
      throw new TorchRunError(`The PyTorch check ended without writing its logits (${join(dir, LOGITS)}).`)
    })
    const logits = decodeSafetensors(bytes, 'PyTorch logits file').tensors.find((t) => t.name === 'logits')
    if (!logits || logits.shape.length !== 2 || logits.shape[0] !== shape[0])
      throw new TorchRunError(
        `The exported model gave logits of shape [${logits?.shape.join(', ') ?? ''}] for ${shape[0]} images; expected [${shape[0]}, classes].`,
      )
    return asFloat32(logits)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function runPython(python: string, dir: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', SCRIPT, dir], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      windowsHide: true,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    })
    let stderr = ''
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (d: string) => {
      // Only the end is quoted: keep the buffer bounded.
      stderr = (stderr + d).slice(-20_000)
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.once('error', (e) => {
      clearTimeout(timer)
      reject(new TorchRunError(`Could not start ${python} to check the export in PyTorch: ${e.message}`))
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      if (timedOut)
        return reject(
          new TorchRunError(
            `Checking the export in PyTorch (${python}) took longer than ${timeoutMs / 1000} s and was stopped; nothing was written.` +
              (stderr.trim() ? ` Its last output:\n${tail(stderr)}` : ''),
          ),
        )
      if (code === 0) return resolve()
      reject(
        new TorchRunError(
          `Running the exported model.py in PyTorch (${python}) failed (${code === null ? `signal ${signal}` : `exit status ${code}`}); nothing was written. ` +
            `With PyTorch 1.13 or later this is a defect in CNN Studio's PyTorch export: please report it with the project file.` +
            (stderr.trim() ? `\n${tail(stderr)}` : ''),
        ),
      )
    })
  })
}
