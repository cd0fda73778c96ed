import { readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import { nhwcToNchw } from '../export/compare'
import { torchPython } from '../../../test/pytorch-test-kit'
import { torchProjectFiles } from './project-folder'
import { torchLogits, torchNotFound, TorchRunError } from './verify-torch'

/**
 * The export's PyTorch check in a real python with torch: a folder's model run on given images,
 * and its failures (python failing, too slow, missing) said with what python printed. (The logits'
 * comparison is compare.ts's, as for ONNX; the CLI test runs the whole export.)
 */
const python = torchPython()

/** Input 1×2×2 → Flatten → Dense 3: logits = x · W + b, computable by hand. */
const doc = chain([
  ['in', 'Input', { height: 1, width: 2, channels: 2 }],
  ['flat', 'Flatten'],
  ['fc', 'Dense', { units: 3 }],
  ['out', 'Output', { classes: 3 }],
])
const kernel = Float32Array.from({ length: 12 }, (_, i) => (i - 5) / 4) // [in 4, out 3]
const bias = Float32Array.of(0.5, -1, 2)
const folder = torchProjectFiles({
  source: doc,
  classes: null,
  weights: [
    { name: 'fc/kernel', dtype: 'float32', shape: [4, 3], data: kernel },
    { name: 'fc/bias', dtype: 'float32', shape: [3], data: bias },
  ],
  config: { dataset: null, hyperparameters: {} },
  provenance: 'test',
})
// Two images, NHWC [2, 1, 2, 2]: TF.js flattens them in this (NHWC) order.
const nhwc = Float32Array.of(1, 2, 3, 4, -1, 0.5, 0, 2)
const expected = Float32Array.from({ length: 6 }, (_, i) => {
  const [n, o] = [Math.floor(i / 3), i % 3]
  let sum = bias[o]
  for (let k = 0; k < 4; k++) sum += nhwc[n * 4 + k] * kernel[k * 3 + o]
  return sum
})
const leftovers = () => readdirSync(tmpdir()).filter((n) => n.startsWith('cnn-studio-verify-torch-'))

describe.skipIf(!python)('the PyTorch check of an export', () => {
  it("runs the folder's model.py with its weights on NCHW images: TF.js's logits", async () => {
    const before = leftovers()
    const logits = await torchLogits(folder, nhwcToNchw(nhwc, [2, 1, 2, 2]), [2, 2, 1, 2], {
      python: python!,
    })
    expect(logits).toHaveLength(6)
    logits.forEach((x, i) => expect(x).toBeCloseTo(expected[i], 5))
    expect(leftovers()).toEqual(before)
  }, 60_000)

  it("fails with python's last lines when model.py fails, and removes its temporary folder", async () => {
    const before = leftovers()
    const broken = folder.map((f) =>
      f.name === 'model.py'
        ? { ...f, data: `${f.data as string}\nraise RuntimeError("broken on purpose")\n` }
        : f,
    )
    const error = await torchLogits(broken, new Float32Array(8), [2, 2, 1, 2], { python: python! }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(TorchRunError)
    expect((error as Error).message).toMatch(
      /Running the exported model\.py in PyTorch .* failed \(exit status 1\)/,
    )
    expect((error as Error).message).toMatch(/RuntimeError: broken on purpose$/)
    expect(leftovers()).toEqual(before)
  }, 60_000)

  it('stops a run that takes too long', async () => {
    const slow = folder.map((f) =>
      f.name === 'model.py' ? { ...f, data: `import time\ntime.sleep(60)\n${f.data as string}` } : f,
    )
    const started = Date.now()
    await expect(
      torchLogits(slow, new Float32Array(8), [2, 2, 1, 2], { python: python!, timeoutMs: 4000 }),
    ).rejects.toThrow(/took longer than 4 s and was stopped/)
    expect(Date.now() - started).toBeLessThan(20_000)
  }, 60_000)
})

describe('without PyTorch', () => {
  it('a python that does not start is a clear error', async () => {
    await expect(
      torchLogits(folder, new Float32Array(8), [2, 2, 1, 2], { python: '/nonexistent/python3' }),
    ).rejects.toThrow(/Could not start \/nonexistent\/python3 to check the export in PyTorch: .*ENOENT/)
  })

  it('says why the export is not verified and what to install', () => {
    expect(torchNotFound({})).toMatch(
      /^PyTorch was not found \(no python3 on this machine imports torch\), so the folder was written without running it in PyTorch\..*pip install torch.*python3-torch.*CNN_STUDIO_PYTHON/,
    )
    expect(torchNotFound({ CNN_STUDIO_PYTHON: '/opt/py' })).toMatch(
      /CNN_STUDIO_PYTHON names \/opt\/py, which does not run or cannot import torch/,
    )
  })
})
