import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Activations } from '../../shared/api/insight'
import type { RunSummary } from '../../shared/api/training'
import { base64ToFloat32 } from '../../shared/tensor/base64'
import { loadBuiltin } from '../datasets/catalog'
import { openTestDb } from '../db/test-kit'
import { buildModel } from '../model/build-model'
import { decodeTensors } from '../model/checkpoint'
import { setWeights } from '../model/weights'
import { createRunsRepo } from '../db/runs-repo'
import { createGraphVersionsRepo } from '../db/graph-versions-repo'
import { loadBackend } from '../tfjs/backends'
import { main } from '../cli/cnn-studio'
import type { Services } from '.'
import { servicesWithEvents } from './test-kit'

const FASHION = '/usr/share/datasets/fashion-mnist'

/** A LeNet-5 trained one epoch on 3,000 Fashion-MNIST images, looked inside through the services. */
describe.skipIf(!existsSync(FASHION))('insight service on a trained LeNet-5', () => {
  let services: Services
  let run: RunSummary
  let setup: ReturnType<typeof servicesWithEvents>
  const test = () => loadBuiltin('fashion-mnist', setup.dir).test

  beforeAll(async () => {
    const { dir, db } = openTestDb()
    setup = servicesWithEvents({ dir, db })
    services = setup.services
    const { project } = await services['projects.create']({ name: 'p', template: 'lenet5-mnist' })
    const queued = await services['training.start']({
      projectId: project.id,
      dataset: { builtin: 'fashion-mnist' },
      hyperparameters: { epochs: 1, limit: 3000, validationSplit: 0.1 },
      backend: 'wasm',
    })
    run = await services.settled(queued.id)
    expect(run.status).toBe('finished')
  }, 180_000)
  afterAll(() => services.close())

  it('evaluates the test split on onnxruntime: the confusion trace over its sum is the run’s test accuracy', async () => {
    const e = await services['runs.evaluate']({ runId: run.id, split: 'test', recompute: false })
    expect(e).toMatchObject({
      runId: run.id,
      split: 'test',
      engine: 'onnxruntime',
      engineNote: null,
      samples: 10_000,
    })
    const total = e.confusion.flat().reduce((a, b) => a + b, 0)
    const trace = e.confusion.reduce((s, row, i) => s + row[i], 0)
    expect(total).toBe(10_000)
    expect(trace / total).toBe(e.accuracy)
    // TF.js scored the run: onnxruntime may round a handful of near-ties the other way.
    expect(Math.abs(e.accuracy - run.testAccuracy!)).toBeLessThanOrEqual(0.001)
    expect(Math.abs(e.loss - run.testLoss!)).toBeLessThan(1e-3)
    expect(e.top5).toBeGreaterThan(e.accuracy)
    expect(e.perClass.map((c) => c.support)).toEqual(e.confusion.map((row) => row.reduce((a, b) => a + b)))
    expect(e.misclassified).toHaveLength(total - trace)
    // Stored: the same evaluation again, until asked to recompute.
    const again = await services['runs.evaluate']({ runId: run.id, split: 'test', recompute: false })
    expect(again.createdAt).toBe(e.createdAt)
    const recomputed = await services['runs.evaluate']({ runId: run.id, split: 'test', recompute: true })
    expect(recomputed.confusion).toEqual(e.confusion)
    const validation = await services['runs.evaluate']({
      runId: run.id,
      split: 'validation',
      recompute: false,
    })
    expect(validation.samples).toBe(300)
  }, 120_000)

  it("answers the graph version a run trained, with its project's name", async () => {
    const g = await services['runs.graph']({ runId: run.id })
    expect(g).toMatchObject({ projectId: run.projectId, projectName: 'p', versionId: run.versionId })
    expect(g.document.nodes.map((n) => n.id)).toContain('conv1')
    expect((await services['runs.list']({})).map((r) => r.id)).toEqual([run.id])
  })

  it('serves split images as stored, and refuses an index outside the split', async () => {
    const [s] = await services['runs.samples']({ runId: run.id, split: 'test', indices: [7] })
    const t = test()
    expect(s.label).toBe(t.labels[7])
    expect(Buffer.from(s.pixels, 'base64')).toEqual(Buffer.from(t.images.subarray(7 * 784, 8 * 784)))
    await expect(
      services['runs.samples']({ runId: run.id, split: 'test', indices: [10_000] }),
    ).rejects.toThrow(/Sample 10000 is not in the test split: it holds samples 0 to 9999/)
  })

  it("gives every node's output: the Output node's values are the model's logits in TF.js", async () => {
    const sample = { kind: 'dataset' as const, split: 'test' as const, index: 3 }
    const a: Activations = await services['insight.activations']({ runId: run.id, sample })
    expect(a.sample.label).toBe(test().labels[3])
    expect(a.probabilities.reduce((x, y) => x + y)).toBeCloseTo(1, 5)
    expect(Object.keys(a.nodes).length).toBeGreaterThan(5)
    const document = createGraphVersionsRepo(setup.db).document(run.versionId)!
    const outputId = document.nodes.find((n) => n.kind === 'Output')!.id
    const convId = document.nodes.find((n) => n.kind === 'Conv2D')!.id
    expect(a.nodes[convId].shape).toEqual([28, 28, 6])
    const fm = await services['insight.featureMap']({ runId: run.id, sample, nodeId: outputId })
    const logits = base64ToFloat32(fm.values)

    const { tf } = await loadBackend({ force: 'cpu' })
    const built = buildModel(tf, document, { purpose: 'export', weightsFollow: true })
    setWeights(tf, built.model, decodeTensors(createRunsRepo(setup.db).bestWeights(run.id)!.weights))
    const x = Float32Array.from(test().images.subarray(3 * 784, 4 * 784), (p) => p / 255)
    const expected = tf.tidy(() =>
      Array.from(
        (built.model.predict(tf.tensor4d(x, [1, 28, 28, 1])) as import('@tensorflow/tfjs').Tensor).dataSync(),
      ),
    )
    built.model.dispose()
    expect(Math.max(...Array.from(logits, (v, i) => Math.abs(v - expected[i])))).toBeLessThan(1e-4)
    expect(a.predicted).toBe(expected.indexOf(Math.max(...expected)))

    const weights = await services['insight.weights']({ runId: run.id, nodeId: convId })
    expect(weights.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['kernel', [5, 5, 1, 6]],
      ['bias', [6]],
    ])
  }, 60_000)

  it('predicts a PNG file as the same image from the split', async () => {
    const t = test()
    const png = new PNG({ width: 28, height: 28 })
    for (let i = 0; i < 784; i++) {
      const v = t.images[3 * 784 + i]
      png.data.set([v, v, v, 255], i * 4)
    }
    const file = { name: 'shoe.png', data: PNG.sync.write(png).toString('base64') }
    const [p] = await services['insight.predict']({ runId: run.id, images: [file], top: 3 })
    const a = await services['insight.activations']({
      runId: run.id,
      sample: { kind: 'dataset', split: 'test', index: 3 },
    })
    expect(p.name).toBe('shoe.png')
    expect(p.top).toHaveLength(3)
    expect(p.top[0].class).toBe(a.predicted)
    expect(p.top[0].probability).toBeCloseTo(a.probabilities[a.predicted], 5)
    await expect(
      services['insight.predict']({
        runId: run.id,
        images: [{ name: 'notes.txt', data: Buffer.from('hello').toString('base64') }],
        top: 3,
      }),
    ).rejects.toThrow(/notes.txt: not a PNG or JPEG image/)
  })

  it('computes Grad-CAM from the last wide convolution and a saliency map, at the input size', async () => {
    const sample = { kind: 'dataset' as const, split: 'test' as const, index: 3 }
    const cam = await services['insight.attribution']({
      runId: run.id,
      sample,
      method: 'grad-cam',
      classIndex: 9,
    })
    expect(cam).toMatchObject({ method: 'grad-cam', classIndex: 9, nodeId: 'conv2', height: 28, width: 28 })
    const values = base64ToFloat32(cam.values)
    expect(values).toHaveLength(28 * 28)
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values)).toBeLessThanOrEqual(1)
    const chosen = await services['insight.attribution']({
      runId: run.id,
      sample,
      method: 'grad-cam',
      classIndex: 9,
      nodeId: 'conv1',
    })
    expect(chosen.nodeId).toBe('conv1')
    const sal = await services['insight.attribution']({
      runId: run.id,
      sample,
      method: 'saliency',
      classIndex: 9,
    })
    expect(sal.nodeId).toBeNull()
    expect(Math.max(...base64ToFloat32(sal.values))).toBe(1)
    await expect(
      services['insight.attribution']({ runId: run.id, sample, method: 'saliency', classIndex: 10 }),
    ).rejects.toThrow(/Class 10 does not exist: the network has 10 classes/)
  }, 60_000)

  it('answers the command line: runs, evaluate, predict and activations', async () => {
    const lines: string[] = []
    const errors: string[] = []
    const io = { out: (l: string) => lines.push(l), err: (l: string) => errors.push(l) }
    const cli = async (...args: string[]) => {
      lines.length = 0
      errors.length = 0
      return main([...args, '--data', setup.dir], io)
    }
    expect(await cli('runs', '--json')).toBe(0)
    const [listed] = JSON.parse(lines[0])
    expect(listed).toMatchObject({ id: run.id, project: 'p', status: 'finished', dataset: 'Fashion-MNIST' })
    expect(await cli('runs', 'p')).toBe(0)
    expect(lines.join('\n')).toMatch(
      new RegExp(`${run.id}.*finished.*Fashion-MNIST.*adam lr 0.001 batch 64 limit=3000`),
    )

    // The project name stands for its newest trained run.
    expect(await cli('evaluate', 'p', '--json')).toBe(0)
    const e = JSON.parse(lines[0])
    expect(Object.keys(e)).toEqual(
      expect.arrayContaining(['accuracy', 'loss', 'classes', 'confusion', 'perClass', 'misclassified']),
    )
    expect(e.confusion.reduce((s: number, row: number[], i: number) => s + row[i], 0) / 10_000).toBe(
      e.accuracy,
    )
    expect(Object.keys(e.misclassified[0]).sort()).toEqual(['confidence', 'index', 'label', 'predicted'])
    expect(await cli('evaluate', run.id)).toBe(0)
    expect(lines[0]).toMatch(/best epoch 1, test split \(10,000 samples\) on onnxruntime: accuracy/)
    expect(lines.join('\n')).toContain('Confusion matrix')

    const outputId = 'output'
    expect(await cli('activations', run.id, '--sample', '3', '--json')).toBe(0)
    const act = JSON.parse(lines[0])
    expect(act.nodes.map((n: { id: string }) => n.id)).toContain('conv1')
    expect(await cli('activations', run.id, '--sample', '3', '--node', outputId, '--json')).toBe(0)
    const node = JSON.parse(lines[0])
    expect(node).toMatchObject({ id: outputId, shape: [10] })
    expect(node.values.indexOf(Math.max(...node.values))).toBe(act.predicted)
    expect(await cli('activations', run.id, '--sample', '99999')).toBe(1)
    expect(errors[0]).toMatch(/Sample 99999 is not in the test split/)
    expect(await cli('activations', run.id)).toBe(2)
    expect(errors[0]).toMatch(/--sample is required/)

    const t = test()
    const png = new PNG({ width: 28, height: 28 })
    for (let i = 0; i < 784; i++)
      png.data.set([t.images[3 * 784 + i], t.images[3 * 784 + i], t.images[3 * 784 + i], 255], i * 4)
    const file = join(setup.dir, 'three.png')
    writeFileSync(file, PNG.sync.write(png))
    expect(await cli('predict', run.id, file, '--top', '2', '--json')).toBe(0)
    const [p] = JSON.parse(lines[0])
    expect(p.file).toBe(file)
    expect(p.top).toHaveLength(2)
    expect(p.top[0].class).toBe(act.predicted)
    expect(await cli('predict', run.id, join(setup.dir, 'missing.png'))).toBe(2)
    expect(errors[0]).toMatch(/Cannot read .*missing.png: ENOENT/)
    expect(await cli('evaluate', 'nobody')).toBe(2)
    expect(errors[0]).toMatch(/'nobody' is neither a run id nor a project/)
  }, 120_000)

  it('names what is wrong: an unknown node, a block instead of a layer, a run without weights', async () => {
    const sample = { kind: 'dataset' as const, split: 'test' as const, index: 0 }
    await expect(services['insight.featureMap']({ runId: run.id, sample, nodeId: 'nope' })).rejects.toThrow(
      /The run's graph has no node 'nope'/,
    )
    await expect(
      services['runs.evaluate']({ runId: 'missing', split: 'test', recompute: false }),
    ).rejects.toThrow(/No run with id 'missing'/)
  })
})
