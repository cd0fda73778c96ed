import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, describe, expect, it } from 'vitest'
import { loadBuiltin } from '../src/main/datasets/catalog'
import { parseModel } from '../src/main/export/onnx/serialize'
import { checkOnnxFiles, findOnnxChecker } from './onnx-test-kit'

const BIN = new URL('../bin/cnn-studio.js', import.meta.url).pathname
const FASHION = '/usr/share/datasets/fashion-mnist'
const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]

if (process.env.CNN_STUDIO_REQUIRE_FASHION_MNIST && !existsSync(FASHION))
  throw new Error(`${FASHION} is missing: apt-get install dataset-fashion-mnist (CI installs it).`)

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-export-trained-'))
const data = join(dir, 'data')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data', data], {
    encoding: 'utf8',
    timeout: 240_000,
  })
  if (r.status !== 0) throw new Error(`cnn-studio ${args[0]} failed (${r.status}): ${r.stderr}`)
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

interface Metadata {
  classes: string[]
  preprocess: { scale: number; mean: number[]; std: number[]; layout: string }
}

function metadataOf(bytes: Uint8Array): Metadata {
  const model = parseModel(bytes) as { metadata_props: { key: string; value: string }[] }
  const get = (key: string) => JSON.parse(model.metadata_props.find((p) => p.key === key)!.value)
  return { classes: get('cnn_studio.classes'), preprocess: get('cnn_studio.preprocess') }
}

describe.skipIf(!existsSync(FASHION))('a LeNet-5 trained on Fashion-MNIST, exported to ONNX', () => {
  it('matches TF.js on test images and, preprocessed as its metadata says, scores the run’s test accuracy', async () => {
    const run = cli([
      'train',
      'lenet5-mnist',
      '--dataset',
      'fashion-mnist',
      '--epochs',
      '1',
      '--limit',
      '6000',
      '--json',
    ]).at(-1)!
    expect(run.status).toBe('finished')

    // The project name resolves to its newest finished run.
    const out = join(dir, 'lenet.onnx')
    const [line] = cli(['export', 'lenet5-mnist', '--out', out, '--json'])
    expect(line).toMatchObject({
      out,
      opset: 17,
      top1Agreement: 1,
      inputs: [{ name: 'images', shape: ['N', 1, 28, 28] }],
      outputs: [
        { name: 'logits', shape: ['N', 10] },
        { name: 'probabilities', shape: ['N', 10] },
      ],
    })
    expect(line.maxAbsDiff as number).toBeLessThan(1e-4)
    const bytes = readFileSync(out)
    expect(bytes.length).toBe(line.bytes)

    const meta = metadataOf(bytes)
    expect(meta.classes).toEqual(FASHION_CLASSES)
    expect(meta.preprocess).toEqual({ scale: 1 / 255, mean: [0], std: [1], layout: 'NCHW' })

    // The whole test split through onnxruntime, from raw bytes, preprocessed as the metadata says.
    const { test } = loadBuiltin('fashion-mnist', data)
    const { scale, mean, std } = meta.preprocess
    const input = Float32Array.from(test.images, (p) => (p * scale - mean[0]) / std[0])
    const session = await ort.InferenceSession.create(bytes)
    const result = await session.run({ images: new ort.Tensor('float32', input, [test.count, 1, 28, 28]) })
    const probabilities = result.probabilities.data as Float32Array
    let correct = 0
    for (let i = 0; i < test.count; i++) {
      const row = probabilities.subarray(i * 10, i * 10 + 10)
      if (row.indexOf(Math.max(...row)) === test.labels[i]) correct++
      expect(row.reduce((a, b) => a + b)).toBeCloseTo(1, 5)
    }
    await session.release()
    expect(Math.abs(correct / test.count - (run.testAccuracy as number))).toBeLessThan(0.002)

    const python = findOnnxChecker()
    if (python) expect(checkOnnxFiles(python, [out])).toEqual({ [out]: null })

    // The same run in TF.js's layers format, NHWC, verified by reloading it.
    const folder = join(dir, 'lenet-tfjs')
    const [tfjs] = cli(['export', run.runId as string, '--format', 'tfjs', '--out', folder, '--json'])
    expect(tfjs).toMatchObject({ out: folder, opset: null, top1Agreement: 1 })
    expect(tfjs.maxAbsDiff as number).toBeLessThan(1e-4)
    expect(readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin'])
    const manifest = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'))
    expect(manifest.format).toBe('layers-model')
    expect(manifest.weightsManifest[0].paths).toEqual(['weights.bin'])
  }, 300_000)
})
