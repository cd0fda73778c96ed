import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import { exportRequestSchema } from '../../src/shared/api/export'
import { hyperparametersSchema } from '../../src/shared/api/training'
import { getTemplate } from '../../src/shared/templates'
import { runExportInWorker } from '../../src/main/export/run-in-worker'
import { useSwiftShader } from '../../src/main/tfjs/test-kit'
import { startGradientHelpers } from '../../src/main/training/gradient-helpers'
import type { RunEvent } from '../../src/main/training/protocol'
import type { Activations, NodeWeights } from '../../src/shared/api/insight'
import { createInferenceHost } from '../../src/main/insight/inference-host'
import { buildModel } from '../../src/main/model/build-model'
import { encodeTensors } from '../../src/main/model/checkpoint'
import { getWeights } from '../../src/main/model/weights'
import { writeTinyMnist } from '../../src/main/services/test-kit'
import { loadBackend } from '../../src/main/tfjs/backends'

// The desktop app starts its worker threads from the bundles electron-vite wrote (out/main), not
// from the sources the other tests use: each must load and do its work from there.
const OUT = resolve(import.meta.dirname, '../../out/main')
const dir = mkdtempSync(join(tmpdir(), 'cnn-bundled-workers-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the bundled worker threads', () => {
  it('export-worker.js exports and verifies a template', async () => {
    const path = join(dir, 'lenet5.onnx')
    const report = await runExportInWorker(
      {
        input: { document: getTemplate('lenet5')!.document, projectName: 'LeNet-5', trained: null },
        request: exportRequestSchema.parse({ source: { template: 'lenet5' }, path }),
        dataDir: dir,
      },
      () => new Worker(join(OUT, 'export-worker.js')),
    )
    expect(report.verification!.passed).toBe(true)
    expect(report.verification!.engine).toBe('onnxruntime')
    expect(statSync(path).size).toBe(report.bytes)
  }, 60_000)

  it("export-worker.js writes a PyTorch folder with the bundle's Python files (out/main/python)", async () => {
    const path = join(dir, 'lenet5-pytorch')
    const report = await runExportInWorker(
      {
        input: { document: getTemplate('lenet5')!.document, projectName: 'LeNet-5', trained: null },
        request: exportRequestSchema.parse({ source: { template: 'lenet5' }, path, format: 'pytorch' }),
        dataDir: dir,
      },
      () => new Worker(join(OUT, 'export-worker.js')),
    )
    expect(readdirSync(path).sort()).toEqual([
      'README.md',
      'config.json',
      'model.py',
      'safetensors_io.py',
      'train.py',
      'weights.safetensors',
    ])
    expect(readFileSync(join(path, 'train.py'), 'utf8')).toBe(
      readFileSync(resolve(import.meta.dirname, '../../src/main/pytorch/python/train.py'), 'utf8'),
    )
    // Verified where this machine has torch, said so where it has not.
    if (report.verification) expect(report.verification).toMatchObject({ engine: 'pytorch', passed: true })
    else expect(report.notVerified).toMatch(/PyTorch was not found/)
  }, 60_000)

  it("insight-worker.js runs a run's model in onnxruntime: every node's output and its weights", async () => {
    const { tf } = await loadBackend({ force: 'cpu' })
    const document = getTemplate('lenet5-mnist')!.document
    const built = buildModel(tf, document, { seed: 1, purpose: 'export' })
    const weights = encodeTensors(await getWeights(built.model))
    built.model.dispose()
    writeTinyMnist(dir)
    const spec = {
      key: 'r@1',
      runId: 'r',
      epoch: 1,
      document,
      weights,
      dataset: { builtin: 'mnist' as const },
      hyperparameters: hyperparametersSchema.parse({}),
      classes: Array.from({ length: 10 }, (_, i) => String(i)),
      dataDir: dir,
    }
    const host = createInferenceHost({ spawn: () => new Worker(join(OUT, 'insight-worker.js')) })
    try {
      const a = await host.call<Activations>(spec.key, () => spec, {
        op: 'activations',
        sample: { kind: 'dataset', split: 'test', index: 0 },
      })
      expect(a.engine).toBe('onnxruntime')
      expect(a.nodes.conv1.shape).toEqual([28, 28, 6])
      const w = await host.call<NodeWeights>(spec.key, () => spec, { op: 'weights', nodeId: 'conv1' })
      expect(w.tensors.map((t) => t.shape)).toEqual([[5, 5, 1, 6], [6]])
    } finally {
      await host.close()
    }
  }, 60_000)

  it('training-worker.js starts and reports a dataset it cannot load', async () => {
    expect(existsSync(join(OUT, 'training-worker.js'))).toBe(true)
    const m = await trainOnMissingFolder('r1', 'cpu')
    expect(m).toMatchObject({ type: 'done', status: 'failed' })
    expect((m as { message: string }).message).toMatch(/no-such-folder/)
  }, 60_000)

  it('leaves the native packages and tfjs-backend-webgpu to node_modules (electron.vite.config)', () => {
    const bundles = readdirSync(OUT, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(OUT, f), 'utf8'))
    const all = bundles.join('\n')
    // Imported by name, not inlined: no copy of the packages' code in the bundles.
    expect(all).toMatch(/from "better-sqlite3"/)
    expect(all).toMatch(/from "onnxruntime-node"/)
    expect(all).toMatch(/"webgpu"/)
    expect(all).toMatch(/"@tensorflow\/tfjs-backend-webgpu"/)
    expect(all).not.toMatch(/dawn\.node/)
    expect(all).not.toMatch(/class WebGPUBackend\b/)
  })

  it('training-worker.js loads webgpu (Dawn) from node_modules when it is asked for', async () => {
    useSwiftShader() // a software adapter here: taken because the job names webgpu
    const m = await trainOnMissingFolder('r2', 'webgpu')
    // Past the backend (its failure would name webgpu) to the dataset: Dawn and TF.js's webgpu loaded.
    expect(m).toMatchObject({ type: 'done', status: 'failed' })
    expect((m as { message: string }).message).toMatch(/no-such-folder/)
    expect((m as { message: string }).message).not.toMatch(/cannot load/)
  }, 60_000)

  it('gradient-worker.js builds the model and computes its chunk of a step', async () => {
    const document = getTemplate('lenet5-mnist')!.document
    const [helper] = await startGradientHelpers(
      1,
      { document, backend: 'cpu' },
      () => new Worker(join(OUT, 'gradient-worker.js')),
    )
    try {
      // LeNet-5's 10 trainable tensors, as the trainer would send them (zeros: the logits are 0).
      const shapes = [
        [5, 5, 1, 6],
        [6],
        [5, 5, 6, 16],
        [16],
        [400, 120],
        [120],
        [120, 84],
        [84],
        [84, 10],
        [10],
      ]
      const weights = shapes.map((s) => new Float32Array(s.reduce((a, b) => a * b, 1)))
      const r = await helper.gradients({
        weights,
        x: new Float32Array(2 * 28 * 28),
        y: Int32Array.of(3, 7),
        n: 2,
        chunks: [{ start: 0, size: 2 }],
      })
      expect(r.grads.map((g) => g.length)).toEqual(weights.map((w) => w.length))
      expect(r.loss).toBeCloseTo(Math.log(10), 5) // uniform logits
      const logitsBias = r.grads[9]
      expect(logitsBias[3]).toBeCloseTo(0.1 - 0.5, 5) // (softmax − onehot) averaged over the two
    } finally {
      await helper.dispose()
    }
  }, 60_000)
})

/** Starts the bundled training worker on `backend` with a dataset folder that does not exist. */
async function trainOnMissingFolder(runId: string, backend: 'cpu' | 'webgpu'): Promise<RunEvent> {
  const worker = new Worker(join(OUT, 'training-worker.js'))
  const done = new Promise<RunEvent>((resolve, reject) => {
    worker.on('message', (m: RunEvent) => m.type === 'done' && resolve(m))
    worker.once('error', reject)
  })
  worker.postMessage({
    type: 'start',
    job: {
      runId,
      document: getTemplate('lenet5-mnist')!.document,
      dataset: { folder: join(dir, 'no-such-folder') },
      dataDir: dir,
      hyperparameters: hyperparametersSchema.parse({}),
      backend,
    },
  })
  const m = await done
  await worker.terminate()
  return m
}
