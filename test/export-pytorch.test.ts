import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FASHION_MNIST_CLASSES } from '../src/main/datasets/mnist'
import type { TorchConfig } from '../src/main/pytorch/config'
import { TORCH_FILES } from '../src/main/pytorch/project-folder'
import { decodeSafetensors } from '../src/main/pytorch/safetensors'
import { openDataDatabase } from '../src/main/db/open'
import { createServices } from '../src/main/services'
import { torchPython } from './pytorch-test-kit'

/**
 * `cnn-studio export --format pytorch` end to end: real processes, real python with torch. A template
 * exported and verified in PyTorch; an existing folder refused without --force; no torch → written,
 * unverified, and said so. The acceptance test: a LeNet-5 trained briefly on Fashion-MNIST,
 * exported to PyTorch, scores the run's test accuracy within 0.2 points on all 10,000 test images
 * read and normalised by the exported train.py's own loaders; and the exported train.py trains.
 */
const BIN = new URL('../bin/cnn-studio.js', import.meta.url).pathname
const FASHION = '/usr/share/datasets/fashion-mnist'
const python = torchPython()

if (process.env.CNN_STUDIO_REQUIRE_FASHION_MNIST && !existsSync(FASHION))
  throw new Error(`${FASHION} is missing: apt-get install dataset-fashion-mnist (CI installs it).`)

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-export-pytorch-'))
const data = join(dir, 'data')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, 'export', ...args, '--data', data], {
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, ...env },
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>
const files = (folder: string) => readdirSync(folder).sort()
const SIX = [...TORCH_FILES].sort()

describe.skipIf(!python)('cnn-studio export --format pytorch', () => {
  it('exports a template, verified in PyTorch, and refuses an existing folder without --force', () => {
    const out = join(dir, 'lenet-pytorch')
    const first = cli(['lenet5-mnist', '--format', 'pytorch', '--out', out, '--json'])
    expect(first.status, first.stderr).toBe(0)
    const line = json(first.stdout)
    expect(line).toMatchObject({
      out,
      opset: null,
      verified: true,
      top1Agreement: 1,
      notVerified: null,
      inputs: [{ name: 'x', shape: ['N', 1, 28, 28] }],
      outputs: [{ name: 'logits', shape: ['N', 10] }],
    })
    expect(line.maxAbsDiff as number).toBeLessThan(1e-4)
    expect(files(out)).toEqual(SIX)
    expect(line.bytes).toBe(SIX.reduce((n, f) => n + statSync(join(out, f)).size, 0))
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as TorchConfig
    expect(config).toMatchObject({ model: 'LeNet5MNIST', classes: null, dataset: null, normalization: null })
    expect(config.hyperparameters.epochs).toBe(10)
    const weights = decodeSafetensors(readFileSync(join(out, 'weights.safetensors')))
    expect(weights.metadata).toMatchObject({ format: 'pt', 'cnn_studio.weights': 'untrained, seed 1' })

    // There already: refused, nothing changed; with --force replaced, the user's own files kept.
    writeFileSync(join(out, 'notes.txt'), 'mine')
    const before = readFileSync(join(out, 'weights.safetensors'))
    const refused = cli(['lenet5-mnist', '--format', 'pytorch', '--out', out, '--seed', '2'])
    expect(refused.status).toBe(1)
    expect(refused.stderr).toBe(
      `cnn-studio export: In ${out}, weights.safetensors, safetensors_io.py, train.py, config.json, README.md and model.py already exist. ` +
        'Choose another name, or confirm replacing them (--force on the command line; the Export dialog asks).\n',
    )
    expect(readFileSync(join(out, 'weights.safetensors')).equals(before)).toBe(true)
    const forced = cli(['lenet5-mnist', '--format', 'pytorch', '--out', out, '--seed', '2', '--force'])
    expect(forced.status, forced.stderr).toBe(0)
    expect(forced.stdout).toMatch(
      /^Exported LeNet-5 \(MNIST\) \(untrained\) to .*: [\d,]+ bytes in 6 files, input x \[N, 1, 28, 28\], outputs logits\.\nVerified with PyTorch on 16 random inputs: max \|Δ logit\| .*top-1 agreement 100\.0%\./,
    )
    expect(readFileSync(join(out, 'weights.safetensors')).equals(before)).toBe(false)
    expect(files(out)).toEqual([...SIX, 'notes.txt'].sort())

    // PyTorch's logits differ from TF.js's by about 1e-6: at a tolerance of 1e-12 the export fails
    // and writes nothing, as ONNX does.
    const strict = join(dir, 'strict')
    const failed = cli(['lenet5-mnist', '--format', 'pytorch', '--out', strict, '--tolerance', '1e-12'])
    expect(failed.status).toBe(1)
    expect(failed.stderr).toMatch(
      /^cnn-studio export: The exported model does not compute what TF.js computes: .*Nothing was written\./,
    )
    expect(existsSync(strict)).toBe(false)
    expect(readdirSync(dir).filter((n) => n.includes('cnn-studio-tmp'))).toEqual([])
  }, 180_000)
})

// Runs wherever node does: torch is made unfindable.
describe('cnn-studio export --format pytorch without torch', () => {
  it('writes the folder, unverified, and says so and why', () => {
    const out = join(dir, 'no-torch')
    // CNN_STUDIO_PYTHON, when set, is the only python tried (find-torch.ts).
    const env = { CNN_STUDIO_PYTHON: join(dir, 'no-such-python') }
    const r = cli(['lenet5-mnist', '--format', 'pytorch', '--out', out, '--json'], env)
    expect(r.status, r.stderr).toBe(0)
    const line = json(r.stdout)
    expect(line).toMatchObject({ verified: false, maxAbsDiff: null, top1Agreement: null })
    expect(line.notVerified).toMatch(
      /^PyTorch was not found \(CNN_STUDIO_PYTHON names .*no-such-python, which does not run or cannot import torch\), so the folder was written without running it in PyTorch\. .*pip install torch/,
    )
    expect(r.stderr).toMatch(/cnn-studio export: not verified: PyTorch was not found/)
    expect(files(out)).toEqual(SIX)

    const text = cli(['lenet5-mnist', '--format', 'pytorch', '--out', out, '--force'], env)
    expect(text.status, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/\nNOT verified: PyTorch was not found .*\n/)
    expect(text.stdout).not.toMatch(/Verified with/)
  }, 120_000)
})

/** Runs python code with the folder on sys.path; its last stdout line is JSON. */
function pythonJson(code: string, cwd: string, args: string[] = []): Record<string, unknown> {
  const r = spawnSync(python!, ['-c', code, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  })
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>
}

/**
 * The exported model on the whole test split: train.py's own loader and lookup table (÷255, then
 * config.json's per-channel statistics), model.py with weights.safetensors, in eval mode.
 */
const ACCURACY = `
import json, os, sys
folder = os.getcwd()
sys.path.insert(0, folder)
import torch
torch.set_num_threads(2)
import train, model
from safetensors_io import load_file
config = json.load(open(os.path.join(folder, "config.json")))
ds = config["dataset"]
data = train.load_dataset(ds["kind"], ds["path"], ds["name"], config["classes"], model.INPUT_SHAPE)
lut = train.lookup_table(model.INPUT_SHAPE[0], config["normalization"])
net = model.build_model()
net.load_state_dict(load_file("weights.safetensors"))
net.eval()
correct = 0
with torch.no_grad():
    for start in range(0, data.test.count, 1000):
        pixels = data.test.images[start:start + 1000]
        x = lut[pixels.long()].permute(0, 3, 1, 2).contiguous()
        correct += int((net(x).argmax(1) == data.test.labels[start:start + 1000].long()).sum())
print(json.dumps({"correct": correct, "count": data.test.count, "classes": data.classes}))
`

describe.skipIf(!python || !existsSync(FASHION))(
  'a LeNet-5 trained on Fashion-MNIST, exported to PyTorch',
  () => {
    it("scores the run's test accuracy on all 10,000 test images, and its train.py trains", async () => {
      // One epoch on a standardised subset: accuracy need not be high, only the same in both.
      let t = Date.now()
      const services = createServices({ dataDir: data, db: openDataDatabase(data) })
      const { project } = await services['projects.create']({ name: 'lenet', template: 'lenet5-mnist' })
      const started = await services['training.start']({
        projectId: project.id,
        dataset: { builtin: 'fashion-mnist' },
        hyperparameters: { epochs: 1, limit: 3000, normalize: 'standardize', batchSize: 32 },
      })
      const run = await services.settled(started.id)
      await services.close()
      expect(run.status).toBe('finished')
      const trainedIn = Date.now() - t

      t = Date.now()
      const out = join(dir, 'trained-pytorch')
      const r = cli(['lenet', '--format', 'pytorch', '--out', out, '--json'])
      expect(r.status, r.stderr).toBe(0)
      const line = json(r.stdout)
      expect(line).toMatchObject({ verified: true, top1Agreement: 1 })
      expect(line.maxAbsDiff as number).toBeLessThan(1e-4)
      const exportedIn = Date.now() - t

      const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as TorchConfig
      expect(config.classes).toEqual(FASHION_MNIST_CLASSES)
      expect(config.dataset).toMatchObject({ kind: 'idx', name: 'Fashion-MNIST' })
      expect(existsSync(config.dataset!.path)).toBe(true)
      expect(config.hyperparameters).toMatchObject({
        epochs: 1,
        limit: 3000,
        normalize: 'standardize',
        batchSize: 32,
      })
      expect(config.normalization!.mean[0]).toBeGreaterThan(0.2)
      expect(config.normalization!.std[0]).toBeGreaterThan(0.2)
      expect(decodeSafetensors(readFileSync(join(out, 'weights.safetensors'))).metadata).toMatchObject({
        format: 'pt',
        'cnn_studio.weights': `run ${run.id}, best epoch 1`,
      })

      t = Date.now()
      const scored = pythonJson(ACCURACY, out)
      const scoredIn = Date.now() - t
      expect(scored.count).toBe(10_000)
      expect(scored.classes).toEqual(FASHION_MNIST_CLASSES)
      const accuracy = (scored.correct as number) / 10_000
      console.log(
        `LeNet-5, 1 epoch on 3,000 Fashion-MNIST images: app test accuracy ${(100 * run.testAccuracy!).toFixed(2)}%, ` +
          `exported PyTorch model ${(100 * accuracy).toFixed(2)}% on 10,000 images ` +
          `(trained ${trainedIn} ms, exported ${exportedIn} ms, scored ${scoredIn} ms)`,
      )
      expect(Math.abs(accuracy - run.testAccuracy!)).toBeLessThan(0.002)

      // The exported train.py, out of the box, against config.json's dataset path.
      const trainPy = spawnSync(
        python!,
        ['train.py', '--epochs', '1', '--max-batches', '3', '--threads', '2', '--device', 'cpu', '--json'],
        {
          cwd: out,
          encoding: 'utf8',
          timeout: 240_000,
          env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
        },
      )
      expect(trainPy.status, trainPy.stderr).toBe(0)
      const events = trainPy.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; status?: string; samples?: Record<string, number> })
      expect(events[0]).toMatchObject({
        type: 'started',
        samples: { train: 2700, validation: 300, test: 10_000 },
      })
      expect(events.at(-1)).toMatchObject({ type: 'done', status: 'finished' })
      expect(events.filter((e) => e.type === 'epoch')).toHaveLength(1)
    }, 300_000)
  },
)
