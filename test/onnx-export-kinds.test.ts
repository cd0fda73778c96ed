import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chain, testDoc } from '../src/shared/graph/test-kit'
import type { GraphDocument } from '../src/shared/graph/document'
import { LAYER_KINDS } from '../src/shared/layers/registry'
import type { Tfjs } from '../src/shared/layers/tfjs/types'
import type { Tensor } from '@tensorflow/tfjs'
import { buildModel } from '../src/main/model/build-model'
import { loadBackend } from '../src/main/tfjs/backends'
import { onnxBytes } from '../src/main/export/onnx/build-onnx'
import { verifyOnnx } from '../src/main/export/onnx/verify-onnx'
import { everyKind } from './fixtures/every-kind'
import { checkOnnxFiles, exportAndRun, findOnnxChecker, relativeDiff } from './onnx-test-kit'

type NodeSpec = [id: string, kind: string, params?: Record<string, unknown>]

/** Input → the layers under test → a classifier head (Flatten or nothing, Dense, Output). */
function net(input: [number, number, number], layers: NodeSpec[], flatten = true): GraphDocument {
  const [height, width, channels] = input
  return chain([
    ['in', 'Input', { height, width, channels }],
    ...layers,
    ...(flatten ? [['flat', 'Flatten'] as NodeSpec] : []),
    ['head', 'Dense', { units: 5 }],
    ['out', 'Output', { classes: 5 }],
  ])
}

const CASES: [string, GraphDocument][] = [
  [
    "even kernels with 'same' padding (the odd pixel at the bottom and right)",
    net(
      [9, 10, 2],
      [
        ['c1', 'Conv2D', { filters: 4, kernelSize: 4, padding: 'same' }],
        ['c2', 'Conv2D', { filters: 3, kernelSize: [2, 4], strides: 2, padding: 'same', activation: 'relu' }],
        ['p', 'MaxPool2D', { poolSize: 2, strides: 2, padding: 'same' }],
      ],
    ),
  ],
  [
    'strides larger than kernels',
    net(
      [13, 11, 3],
      [
        ['c', 'Conv2D', { filters: 4, kernelSize: 2, strides: 3 }],
        ['p', 'AvgPool2D', { poolSize: 1, strides: 2 }],
        ['d', 'DepthwiseConv2D', { kernelSize: 1, strides: [2, 1] }],
      ],
    ),
  ],
  [
    'dilation 2 in Conv2D, DepthwiseConv2D and SeparableConv2D',
    net(
      [12, 12, 2],
      [
        ['c', 'Conv2D', { filters: 4, kernelSize: 3, dilation: 2, padding: 'same', activation: 'tanh' }],
        ['d', 'DepthwiseConv2D', { kernelSize: 3, dilation: [2, 1] }],
        ['s', 'SeparableConv2D', { filters: 3, kernelSize: 2, dilation: 2, padding: 'same' }],
      ],
    ),
  ],
  [
    'depth multiplier 2 (DepthwiseConv2D and SeparableConv2D)',
    net(
      [8, 8, 3],
      [
        ['d', 'DepthwiseConv2D', { kernelSize: 3, depthMultiplier: 2, padding: 'same', useBias: true }],
        ['s', 'SeparableConv2D', { filters: 4, kernelSize: 3, depthMultiplier: 2, strides: 2 }],
      ],
    ),
  ],
  [
    'asymmetric explicit padding in Conv2D, ZeroPadding2D, MaxPool2D and AvgPool2D',
    net(
      [7, 9, 2],
      [
        ['c', 'Conv2D', { filters: 3, kernelSize: 3, padding: { top: 2, bottom: 0, left: 1, right: 2 } }],
        ['z', 'ZeroPadding2D', { padding: { top: 0, bottom: 2, left: 3, right: 1 } }],
        ['m', 'MaxPool2D', { poolSize: 3, strides: 2, padding: { top: 1, bottom: 0, left: 0, right: 2 } }],
        ['a', 'AvgPool2D', { poolSize: 2, strides: 1, padding: { top: 0, bottom: 1, left: 1, right: 0 } }],
      ],
    ),
  ],
  [
    'ceil-mode pooling, with and without padding',
    net(
      [10, 11, 2],
      [
        ['m', 'MaxPool2D', { poolSize: 3, strides: 2, ceilMode: true }],
        ['a', 'AvgPool2D', { poolSize: 2, strides: 2, padding: 1, ceilMode: true }],
      ],
    ),
  ],
  [
    'a Flatten feeding a Dense after a non-square map (NHWC element order)',
    net([5, 7, 3], [['c', 'Conv2D', { filters: 4, kernelSize: [2, 3], activation: 'relu' }]]),
  ],
  [
    'every activation, softmax over channels of a 4-D tensor included',
    net(
      [6, 6, 3],
      [
        ['a1', 'Activation', { fn: 'relu6' }],
        ['c1', 'Conv2D', { filters: 4, kernelSize: 1, activation: 'leakyRelu' }],
        ['a2', 'Activation', { fn: 'leakyRelu', alpha: 0.3 }],
        ['a3', 'Activation', { fn: 'elu' }],
        ['a4', 'Activation', { fn: 'swish' }],
        ['a5', 'Activation', { fn: 'sigmoid' }],
        ['a6', 'Activation', { fn: 'softmax' }],
        ['c2', 'Conv2D', { filters: 4, kernelSize: 1, activation: 'elu' }],
        ['c3', 'Conv2D', { filters: 4, kernelSize: 1, activation: 'swish' }],
        ['c4', 'Conv2D', { filters: 4, kernelSize: 1, activation: 'softmax' }],
        ['flat2', 'Flatten'],
        ['d1', 'Dense', { units: 6, activation: 'tanh' }],
        ['d2', 'Dense', { units: 6, activation: 'relu6' }],
        ['d3', 'Dense', { units: 6, activation: 'sigmoid' }],
        ['d4', 'Dense', { units: 6, activation: 'softmax', useBias: false }],
        ['a7', 'Activation', { fn: 'softmax' }],
      ],
      false,
    ),
  ],
  [
    'BatchNorm without γ and β, LRN, Dropout, and BatchNorm on a vector',
    net(
      [6, 5, 4],
      [
        ['bn', 'BatchNorm', { center: false, scale: false, epsilon: 0.01 }],
        ['lrn', 'LocalResponseNorm', { size: 3, alpha: 0.5, beta: 0.6, k: 1.5 }],
        ['drop', 'Dropout', { rate: 0.5 }],
        ['flat0', 'Flatten'],
        ['bn1', 'BatchNorm', { center: true, scale: false }],
      ],
      false,
    ),
  ],
  [
    'Add of three inputs, Concat of 4-D maps, global max and average pooling',
    testDoc(
      [
        ['in', 'Input', { height: 6, width: 6, channels: 2 }],
        ['a', 'Conv2D', { filters: 3, kernelSize: 3, padding: 'same' }],
        ['b', 'Conv2D', { filters: 3, kernelSize: 1 }],
        ['c', 'Conv2D', { filters: 3, kernelSize: 5, padding: 'same' }],
        ['sum', 'Add', { inputs: 3 }],
        ['cat', 'Concat', { inputs: 2 }],
        ['gmp', 'GlobalMaxPool2D'],
        ['gap', 'GlobalAvgPool2D'],
        ['vec', 'Concat', { inputs: 2 }],
        ['head', 'Dense', { units: 3 }],
        ['out', 'Output', { classes: 3 }],
      ],
      [
        ['in', 'a'],
        ['in', 'b'],
        ['in', 'c'],
        ['a', 'sum', 0],
        ['b', 'sum', 1],
        ['c', 'sum', 2],
        ['sum', 'cat', 0],
        ['in', 'cat', 1],
        ['cat', 'gmp'],
        ['cat', 'gap'],
        ['gmp', 'vec', 0],
        ['gap', 'vec', 1],
        ['vec', 'head'],
        ['head', 'out'],
      ],
    ),
  ],
  ['one graph with every layer kind', everyKind],
]

let tf: Tfjs
let python: string | null
const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-onnx-kinds-'))
const written: string[] = []

beforeAll(async () => {
  tf = (await loadBackend({ force: 'wasm' })).tf
  python = findOnnxChecker()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('ONNX export of each layer kind, unusual parameters included', () => {
  it('the cases cover every layer kind', () => {
    const kinds = new Set(CASES.flatMap(([, doc]) => doc.nodes.map((n) => n.kind)))
    expect(kinds).toEqual(new Set(LAYER_KINDS))
  })

  it.each(CASES)('%s: onnxruntime computes what TF.js computes', async (name, doc) => {
    for (const layout of ['NCHW', 'NHWC'] as const) {
      const { verification: v, bytes } = await exportAndRun(tf, doc, { layout })
      expect(v.maxAbsLogit).toBeGreaterThan(1e-3)
      expect(v.maxAbsDiff).toBeLessThan(1e-4)
      expect(relativeDiff(v)).toBeLessThan(1e-5)
      expect(v.top1Agreement).toBe(1)
      const path = join(dir, `${written.length}.onnx`)
      writeFileSync(path, bytes)
      written.push(path)
    }
  })

  // onnxruntime folds a zero Pad into a following MaxPool, whose padding counts as −∞: on negative
  // inputs the zeros of ZeroPadding2D must still win.
  it('ZeroPadding2D before MaxPool2D keeps its zeros on all-negative inputs', async () => {
    const doc = net(
      [4, 4, 1],
      [
        ['z', 'ZeroPadding2D', { padding: 1 }],
        ['m', 'MaxPool2D', { poolSize: 2, strides: 2 }],
      ],
    )
    const built = buildModel(tf, doc, { purpose: 'export' })
    const head = built.model.getLayer('head')
    head.setWeights([tf.eye(9, 5), tf.zeros([5])])
    const images = new Float32Array(16).fill(-1)
    const bytes = onnxBytes(built, {
      projectName: 'test',
      classes: [],
      preprocess: { scale: 1, mean: [0], std: [1], layout: 'NCHW' },
      opset: 17,
      layout: 'NCHW',
      provenance: 'test',
    })
    const expected = tf.tidy(() =>
      (built.model.predict(tf.tensor4d(images, [1, 4, 4, 1])) as Tensor).dataSync(),
    )
    // The pooled map is 0 everywhere but its centre (−1): the first five of its nine values.
    expect(Array.from(expected)).toEqual([0, 0, 0, 0, -1])
    const v = await verifyOnnx(
      bytes,
      { images, shape: [1, 4, 4, 1], data: 'random' },
      Float32Array.from(expected),
      {
        layout: 'NCHW',
        tolerance: 1e-6,
        classes: 5,
      },
    )
    expect(v.maxAbsDiff).toBe(0)
    built.model.dispose()
  })

  it('every exported file passes onnx.checker.check_model(full_check=True)', (ctx) => {
    if (!python) return ctx.skip()
    expect(written.length).toBe(2 * CASES.length)
    const errors = Object.entries(checkOnnxFiles(python, written)).filter(([, e]) => e !== null)
    expect(errors).toEqual([])
  })
})
