import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TorchFound } from '../../shared/api/training'
import { findTorch } from './find-torch'
import type { TorchConfigInput, TorchParts, TorchTensor } from './torch-parts'

/**
 * The PyTorch this machine has (findTorch's real probe), or null with a message so a test can
 * skip; CNN_STUDIO_REQUIRE_TORCH=1 (CI, which installs Debian's python3-torch) makes a missing
 * PyTorch a failure instead.
 */
export async function torchOrSkip(): Promise<TorchFound | null> {
  const report = await findTorch()
  if (report.found) return report.found
  if (process.env.CNN_STUDIO_REQUIRE_TORCH === '1')
    throw new Error(`PyTorch is required here (CNN_STUDIO_REQUIRE_TORCH=1): ${report.reason}`)
  console.warn(`PyTorch tests skipped: ${report.reason}`)
  return null
}

/**
 * A stand-in "python" for tests: a shell script that prints `stdout` and exits with `code`, after
 * `sleepS` seconds (POSIX only).
 */
export function fakePython(
  dir: string,
  name: string,
  o: { stdout?: string; code?: number; sleepS?: number },
) {
  const file = path.join(dir, name)
  writeFileSync(
    file,
    `#!/bin/sh\n${o.sleepS ? `sleep ${o.sleepS}\n` : ''}cat <<'JSON'\n${o.stdout ?? ''}\nJSON\nexit ${o.code ?? 0}\n`,
  )
  chmodSync(file, 0o755)
  return file
}

/** The stand-in train.py (a test fixture speaking the JSON-lines protocol without torch). */
export const FAKE_TRAIN_PY = fileURLToPath(new URL('./test-fixtures/fake_train.py', import.meta.url))

/** How the stand-in train.py behaves (see its docstring). */
export interface FakeTrain {
  epochs?: number
  batches?: number
  delay?: number
  mode?: 'normal' | 'crash' | 'nan' | 'bad-line' | 'hang' | 'silent-exit'
}

/** A python that runs the stand-in: any python 3 will do, torch or not. */
export const fakeFound = (python = 'python3'): TorchFound => ({
  python,
  pythonVersion: '3',
  torch: '0.0-fake',
  threads: 1,
  cuda: [],
  mps: false,
  distributed: true,
})

const jsonTensor = (t: TorchTensor) => ({ ...t, data: Array.from(t.data as ArrayLike<number>, Number) })

/**
 * Stand-in parts for the stand-in train.py: "safetensors" as JSON, the state dict as the weights
 * themselves, config.json with the fake's behaviour. `configs` collects what config.json was given.
 */
export function fakeParts(fake: FakeTrain = {}) {
  const configs: TorchConfigInput[] = []
  const parts: TorchParts = {
    modelPy: () => '# model.py stand-in\n',
    configJson: (c) => {
      configs.push(c)
      return JSON.stringify({
        dataset: c.dataset,
        classes: c.classes,
        hyperparameters: c.hyperparameters,
        fake,
      })
    },
    pythonFiles: () => ({ 'train.py': FAKE_TRAIN_PY }),
    readSafetensors: (bytes) => {
      const j = JSON.parse(new TextDecoder().decode(bytes)) as {
        tensors: { name: string; dtype: 'F32'; shape: number[]; data: number[] }[]
        metadata: Record<string, string>
      }
      return {
        tensors: j.tensors.map((t) => ({ ...t, data: Float32Array.from(t.data) })),
        metadata: j.metadata,
      }
    },
    writeSafetensors: (tensors, metadata = {}) =>
      new TextEncoder().encode(JSON.stringify({ tensors: tensors.map(jsonTensor), metadata })),
    toStateDict: (_d, weights) => weights.map((w) => ({ ...w, dtype: 'F32' as const })),
    fromStateDict: (_d, sd) =>
      sd.map((t) => ({
        name: t.name,
        dtype: 'float32' as const,
        shape: t.shape,
        data: t.data as Float32Array,
      })),
  }
  return { parts, configs }
}
