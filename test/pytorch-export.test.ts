import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Tensor } from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GraphDocument } from '../src/shared/graph/document'
import { inferGraph } from '../src/shared/graph/infer'
import { testDoc } from '../src/shared/graph/test-kit'
import { LAYER_KINDS } from '../src/shared/layers/registry'
import type { Tfjs } from '../src/shared/layers/tfjs/types'
import { TEMPLATES } from '../src/shared/templates'
import { mulberry32 } from '../src/main/datasets/random'
import { compareLogits, nhwcToNchw, withinTolerance } from '../src/main/export/compare'
import { buildModel } from '../src/main/model/build-model'
import type { NamedArray } from '../src/main/model/checkpoint'
import { getWeights } from '../src/main/model/weights'
import { loadBackend } from '../src/main/tfjs/backends'
import { planModel } from '../src/main/pytorch/model-plan'
import { modelPy } from '../src/main/pytorch/model-py'
import { pythonFile } from '../src/main/pytorch/python-files'
import { asFloat32, decodeSafetensors, encodeSafetensors, f32Tensor } from '../src/main/pytorch/safetensors'
import { fromStateDict, toStateDict } from '../src/main/pytorch/state-dict'
import { everyBlock } from './fixtures/every-block'
import { everyKind } from './fixtures/every-kind'
import { layerCaseGraph } from './fixtures/layer-case-graph'
import { LAYER_CASES } from './fixtures/layer-cases'
import { perturbWeights } from './onnx-test-kit'
import { evaluateInTorch, torchPython, type TorchReport } from './pytorch-test-kit'

/**
 * The generated PyTorch model against TF.js: for every template, the every-kind graph, each layer
 * case and a few graphs of unusual parameters, model.py's parameters and buffers equal the registry's
 * counts and its state-dict keys the plan's; loaded with the TF.js weights (converted by
 * state-dict.ts, through safetensors), it computes TF.js's logits within the ONNX export's
 * tolerance; and the weights come back from PyTorch's load_file/save_file byte for byte. One python
 * process runs every case (test/pytorch-evaluate.py).
 */

type NodeSpec = [id: string, kind: string, params?: Record<string, unknown>]

/** Input → layers → Flatten, Dense, Output. */
function net(input: [number, number, number], layers: NodeSpec[]): GraphDocument {
  const [height, width, channels] = input
  const nodes: NodeSpec[] = [
    ['in', 'Input', { height, width, channels }],
    ...layers,
    ['flat', 'Flatten'],
    ['head', 'Dense', { units: 5 }],
    ['out', 'Output', { classes: 5 }],
  ]
  return testDoc(
    nodes,
    nodes.slice(1).map((n, i) => [nodes[i][0], n[0]]),
  )
}

/** A template with a smaller input: the same layers (and code paths) at a fraction of the time. */
function resized(doc: GraphDocument, size: number): GraphDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) =>
      n.kind === 'Input' ? { ...n, params: { ...n.params, height: size, width: size } } : n,
    ),
  }
}

/**
 * TF.js's cpu backend takes 1–67 s for two images through these at their size: their logits are
 * compared at a smaller input that keeps every layer (and every block class: even sizes for
 * MobileNet v1's strided blocks), their parameter counts at full size. LeNet-5 and VGG (CIFAR) run
 * as they are.
 */
const SMALLER: Record<string, number> = {
  alexnet: 67,
  vgg16: 32,
  googlenet: 64,
  resnet18: 64,
  resnet34: 32,
  resnet50: 32,
  'mobilenet-v1': 64,
  'mobilenet-v2': 64,
  'resnet18-cifar': 16,
}

const UNUSUAL: [string, GraphDocument][] = [
  [
    'pads PyTorch pooling cannot take (over half the window, uneven), and uneven conv pads',
    net(
      [9, 8, 2],
      [
        ['c', 'Conv2D', { filters: 3, kernelSize: 3, padding: { top: 2, bottom: 0, left: 1, right: 2 } }],
        ['m', 'MaxPool2D', { poolSize: 3, strides: 1, padding: 2 }],
        ['a', 'AvgPool2D', { poolSize: 3, strides: 2, padding: { top: 2, bottom: 1, left: 0, right: 2 } }],
        ['a2', 'AvgPool2D', { poolSize: 2, strides: 1, padding: { top: 0, bottom: 1, left: 1, right: 0 } }],
      ],
    ),
  ],
  [
    "'same' pooling and convolutions with even kernels and strides larger than kernels",
    net(
      [9, 10, 2],
      [
        ['c1', 'Conv2D', { filters: 4, kernelSize: 4, padding: 'same' }],
        ['p', 'AvgPool2D', { poolSize: 2, strides: 2, padding: 'same' }],
        ['c2', 'Conv2D', { filters: 3, kernelSize: 2, strides: 3, padding: 'same', activation: 'relu' }],
        ['m', 'MaxPool2D', { poolSize: 2, strides: 1, padding: 'same', ceilMode: true }],
      ],
    ),
  ],
  [
    'BatchNorm with only β, with only γ, and on a vector',
    net(
      [5, 5, 3],
      [
        ['bn1', 'BatchNorm', { scale: false }],
        ['bn2', 'BatchNorm', { center: false, momentum: 0.5, epsilon: 0.1 }],
        ['flat0', 'Flatten'],
        ['bn3', 'BatchNorm', { scale: false, center: true }],
      ],
    ),
  ],
  ['every block kind and variant, at odd sizes (uneven same pads in a strided SeparableBlock)', everyBlock],
  [
    'a graph whose ids are Python keywords, nn.Module attributes and not identifiers',
    testDoc(
      [
        ['in', 'Input', { height: 6, width: 6, channels: 2 }],
        ['float', 'Conv2D', { filters: 3, kernelSize: 3, padding: 'same' }],
        ['training', 'Conv2D', { filters: 3, kernelSize: 1 }],
        ['2nd layer', 'Conv2D', { filters: 3, kernelSize: 5, padding: 'same' }],
        ['class', 'Add', { inputs: 3 }],
        ['_modules', 'BatchNorm'],
        ['cat', 'Concat', { inputs: 2 }],
        ['forward', 'GlobalMaxPool2D'],
        ['self', 'GlobalAvgPool2D'],
        ['vec', 'Concat', { inputs: 2 }],
        ['x', 'Dense', { units: 3 }],
        ['out', 'Output', { classes: 3 }],
      ],
      [
        ['in', 'float'],
        ['in', 'training'],
        ['in', '2nd layer'],
        ['float', 'class', 0],
        ['training', 'class', 1],
        ['2nd layer', 'class', 2],
        ['class', '_modules'],
        ['_modules', 'cat', 0],
        ['in', 'cat', 1],
        ['cat', 'forward'],
        ['cat', 'self'],
        ['forward', 'vec', 0],
        ['self', 'vec', 1],
        ['vec', 'x'],
        ['x', 'out'],
      ],
    ),
  ],
]

interface Case {
  name: string
  doc: GraphDocument
  /** Weights converted, logits compared, round trip checked; otherwise counts only. */
  run: boolean
}

const CASES: Case[] = [
  ...TEMPLATES.map((t) => ({
    name: `${t.name} (counts at full size)`,
    doc: t.document,
    run: !SMALLER[t.name],
  })),
  ...TEMPLATES.filter((t) => SMALLER[t.name]).map((t) => ({
    name: `${t.name} at ${SMALLER[t.name]}×${SMALLER[t.name]}`,
    doc: resized(t.document, SMALLER[t.name]),
    run: true,
  })),
  { name: 'every layer kind in one graph', doc: everyKind, run: true },
  ...UNUSUAL.map(([name, doc]) => ({ name, doc, run: true })),
  ...LAYER_CASES.map((c) => ({ name: c.name, doc: layerCaseGraph(c), run: true })),
]

interface Ran {
  logits: Float32Array
  weights: NamedArray[]
  bytes: Uint8Array
  classes: number
}

const python = torchPython()
const root = mkdtempSync(join(tmpdir(), 'cnn-studio-pytorch-'))
const folder = (i: number) => join(root, `case${String(i).padStart(3, '0')}`)
const ran = new Map<number, Ran>()
const plans = CASES.map((c) => planModel(c.doc))
let reports: Record<string, TorchReport> = {}

/** Writes case i's folder: model.py, and for a run its weights, images and TF.js's logits. */
async function prepare(tf: Tfjs, i: number): Promise<void> {
  const { doc, run } = CASES[i]
  mkdirSync(folder(i))
  writeFileSync(join(folder(i), 'model.py'), modelPy(plans[i]))
  if (!run) return
  const built = buildModel(tf, doc, { seed: 5 + i, purpose: 'export' })
  try {
    perturbWeights(tf, built.model, 5 + i)
    const { height: h, width: w, channels: c } = built.input
    const n = 2
    const random = mulberry32(100 + i)
    const images = Float32Array.from({ length: n * h * w * c }, () => random() * 2 - 1)
    const logits = tf.tidy(
      () => (built.model.predict(tf.tensor4d(images, [n, h, w, c])) as Tensor).dataSync() as Float32Array,
    )
    const weights = await getWeights(built.model)
    const bytes = encodeSafetensors(toStateDict(plans[i], weights), { format: 'pt' })
    writeFileSync(join(folder(i), 'weights.safetensors'), bytes)
    const nchw = f32Tensor('images', [n, c, h, w], nhwcToNchw(images, [n, h, w, c]))
    writeFileSync(join(folder(i), 'inputs.safetensors'), encodeSafetensors([nchw]))
    ran.set(i, { logits, weights, bytes, classes: built.classes })
  } finally {
    built.model.dispose()
  }
}

beforeAll(async () => {
  if (!python) return
  const { tf } = await loadBackend({ force: 'cpu' })
  for (let i = 0; i < CASES.length; i++) await prepare(tf, i)
  reports = evaluateInTorch(python, root, dirname(pythonFile('safetensors_io.py')))
}, 300_000)
afterAll(() => rmSync(root, { recursive: true, force: true }))

const report = (i: number): TorchReport => {
  const r = reports[`case${String(i).padStart(3, '0')}`]
  if (r?.error) throw new Error(`PyTorch failed on ${CASES[i].name}:\n${r.error}`)
  return r
}

describe.skipIf(!python)('generated PyTorch models compute what TF.js computes', () => {
  it('the cases cover every layer kind and every template', () => {
    const kinds = new Set(plans.flatMap((p) => p.graph.expanded.nodes.map((n) => n.kind)))
    expect(kinds).toEqual(new Set(LAYER_KINDS))
    for (const t of TEMPLATES) expect(CASES.some((c) => c.run && c.name.startsWith(`${t.name} `))).toBe(true)
  })

  it.each(CASES.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const { doc, run } = CASES[i]
    const r = report(i)
    const totals = inferGraph(doc).totals
    const plan = plans[i]
    expect(r.className).toBe(plan.className)
    expect(r.trainable).toBe(totals.trainable)
    expect(r.buffers).toBe(totals.nonTrainable)
    // PyTorch's own state_dict(): the same keys in the same order as the plan's.
    expect(r.keys).toEqual(plan.state.map((e) => e.key))
    const { height, width, channels } = plan.graph.input
    expect(r.inputShape).toEqual([channels, height, width])
    if (!run) return

    expect(r.ran).toBe(true)
    const { logits, weights, bytes, classes } = ran.get(i)!
    const torchLogits = asFloat32(
      decodeSafetensors(readFileSync(join(folder(i), 'logits.safetensors'))).tensors[0],
    )
    const c = compareLogits(torchLogits, logits, classes)
    expect(c.maxAbsLogit).toBeGreaterThan(1e-4)
    expect(withinTolerance(c, 1e-4), JSON.stringify(c)).toBe(true)
    expect(c.top1Agreement).toBe(1)

    // load_file then save_file writes the very bytes we wrote; and they convert back unchanged.
    const resaved = new Uint8Array(readFileSync(join(folder(i), 'resaved.safetensors')))
    expect(Buffer.from(resaved).equals(Buffer.from(bytes))).toBe(true)
    const back = fromStateDict(plan, decodeSafetensors(resaved))
    // getWeights' names carry TF.js's _1, _2 when a process builds a layer name more than once.
    const unique = (name: string) => name.replace(/_\d+$/, '')
    expect(back.map((w) => [w.name, w.shape])).toEqual(weights.map((w) => [unique(w.name), w.shape]))
    back.forEach((w, j) =>
      expect(Buffer.from(w.data.buffer).equals(Buffer.from(weights[j].data.buffer))).toBe(true),
    )
  })
})
