import * as tfjs from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deadBranch } from '../../../test/fixtures/dead-branch'
import type { GraphDocument } from '../../shared/graph/document'
import { chain, testDoc } from '../../shared/graph/test-kit'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { getTemplate } from '../../shared/templates'
import { buildModel, type BuiltModel } from '../model/build-model'
import { checkBuildable } from '../model/buildable'
import { randomiseWeights } from '../model/test-kit'
import { expectClose, rand } from '../tfjs/test-kit'
import { defaultGradCamNode, gradCam, nodeGradient, saliency } from './attribution'

const tf = tfjs as unknown as Tfjs

beforeAll(async () => {
  await tf.setBackend('cpu')
})
afterAll(() => tf.disposeVariables())

/** Sets one node's TF.js layer weights, in the layer's own order. */
function setLayer(built: BuiltModel, nodeId: string, values: number[][]) {
  const layer = built.model.getLayer(built.layerNames.get(nodeId)!)
  const tensors = layer.getWeights().map((w, i) => tf.tensor(values[i], w.shape))
  layer.setWeights(tensors)
  tf.dispose(tensors)
}

const logits = (built: BuiltModel, image: Float32Array) =>
  tf.tidy(() => {
    const { height, width, channels } = built.input
    const y = built.model.predict(tf.tensor4d(image, [1, height, width, channels])) as tfjs.Tensor
    return Array.from(y.dataSync())
  })

const normalised = (values: number[]) => {
  const max = Math.max(0, ...values)
  return max > 0 ? values.map((v) => v / max) : values.map(() => 0)
}

describe('Grad-CAM and saliency on a linear network: closed form', () => {
  // Input 4×4×2 → 1×1 conv, 2 filters (kernel K[d][c], bias b) → Flatten → Dense(3) (W, bias d).
  // A[p][c] = Σ_d K[d][c]·x[p][d] + b[c]; logit_k = Σ_{p,c} W[2p + c][k]·A[p][c] + d[k].
  const doc = chain([
    ['in', 'Input', { height: 4, width: 4, channels: 2 }],
    ['conv', 'Conv2D', { filters: 2, kernelSize: 1 }],
    ['flat', 'Flatten'],
    ['dense', 'Dense', { units: 3 }],
    ['out', 'Output', { classes: 3 }],
  ])
  const K = [
    [0.5, -1],
    [2, 0.25],
  ]
  const b = [0.1, -0.2]
  const W = Array.from({ length: 32 }, (_, i) => [Math.sin(i + 1), Math.cos(2 * i) - 0.3, ((i % 5) - 2) / 3])
  const d = [0.3, -0.1, 0.2]
  const x = Float32Array.from({ length: 32 }, (_, i) => ((i * 7) % 11) / 5 - 1)
  let built: BuiltModel
  beforeAll(() => {
    built = buildModel(tf, doc)
    setLayer(built, 'conv', [K.flat(), b])
    setLayer(built, 'dense', [W.flat(), d])
  })
  afterAll(() => built.model.dispose())

  it('the default node is the convolution, and the map is ReLU(Σ_c α_c A_c) scaled by its max', () => {
    expect(defaultGradCamNode(built)).toBe('conv')
    for (const k of [0, 1, 2]) {
      const A = Array.from({ length: 16 }, (_, p) =>
        [0, 1].map((c) => K[0][c] * x[2 * p] + K[1][c] * x[2 * p + 1] + b[c]),
      )
      // g[p][c] = W[2p + c][k]: α_c is its mean over the 16 positions.
      const alpha = [0, 1].map((c) => A.reduce((s, _, p) => s + W[2 * p + c][k], 0) / 16)
      const cam = A.map((a) => Math.max(0, alpha[0] * a[0] + alpha[1] * a[1]))
      const got = gradCam(tf, built, x, k)
      expect([got.nodeId, got.height, got.width]).toEqual(['conv', 4, 4])
      expectClose(got.values, normalised(cam), 1e-5, `class ${k}`)
    }
  })

  it('saliency is the largest |Σ_c W[2p + c][k]·K[d][c]| over input channels d, scaled', () => {
    for (const k of [0, 1, 2]) {
      const grad = Array.from({ length: 16 }, (_, p) =>
        Math.max(...[0, 1].map((dd) => Math.abs(W[2 * p][k] * K[dd][0] + W[2 * p + 1][k] * K[dd][1]))),
      )
      const got = saliency(tf, built, x, k)
      expect([got.height, got.width]).toEqual([4, 4])
      expectClose(got.values, normalised(grad), 1e-5, `class ${k}`)
      // The saliency of a linear network does not depend on the image.
      expectClose(
        saliency(
          tf,
          built,
          x.map((v) => -3 * v),
          k,
        ).values,
        got.values,
        1e-5,
      )
    }
  })

  it('a map whose ReLU leaves nothing is all zeros, not NaN', () => {
    // With x = 0, A = b everywhere: pick the class whose Σ α_c b_c is negative.
    const zero = new Float32Array(32)
    const k = [0, 1, 2].find((k) => {
      const alpha = [0, 1].map((c) => W.filter((_, i) => i % 2 === c).reduce((s, w) => s + w[k], 0) / 16)
      return alpha[0] * b[0] + alpha[1] * b[1] < 0
    })!
    expect(k).toBeDefined()
    expect(Array.from(gradCam(tf, built, zero, k).values)).toEqual(new Array(16).fill(0))
  })
})

describe('Grad-CAM resizes a coarse map bilinearly to the input', () => {
  it('a 2×2 map from a stride-2 convolution becomes 4×4 with half-pixel centres', () => {
    const doc = chain([
      ['in', 'Input', { height: 4, width: 4, channels: 1 }],
      ['conv', 'Conv2D', { filters: 1, kernelSize: 2, strides: 2, useBias: false }],
      ['flat', 'Flatten'],
      ['dense', 'Dense', { units: 2, useBias: false }],
      ['out', 'Output', { classes: 2 }],
    ])
    const built = buildModel(tf, doc)
    try {
      setLayer(built, 'conv', [[1, 1, 1, 1]])
      setLayer(built, 'dense', [[1, 0, 2, 0, 3, 0, 6, 0]])
      const x = Float32Array.from({ length: 16 }, (_, i) => i + 1)
      // A = the sums of the 2×2 blocks: [[14, 22], [46, 54]]; α = mean(1, 2, 3, 6) = 3.
      const A = [
        [14, 22],
        [46, 54],
      ]
      // Output pixel i samples the 2×2 map at (i + 0.5)/2 − 0.5, clamped to [0, 1].
      const t = [0, 0.25, 0.75, 1]
      const lerp = (a: number, b: number, s: number) => a + (b - a) * s
      const cam = t.flatMap((r) =>
        t.map((c) => 3 * lerp(lerp(A[0][0], A[0][1], c), lerp(A[1][0], A[1][1], c), r)),
      )
      expectClose(gradCam(tf, built, x, 0).values, normalised(cam), 1e-5)
    } finally {
      built.model.dispose()
    }
  })
})

describe('gradients inside residual blocks', () => {
  // Stem (linear, with bias) → two basic residual blocks (the second projects: stride 2, 6 channels)
  // → max pooling → dropout → Dense: BatchNorm, Add, pooling, dropout and Flatten on the way.
  const doc = chain([
    ['in', 'Input', { height: 8, width: 8, channels: 3 }],
    ['stem', 'Conv2D', { filters: 4, kernelSize: 3, padding: 'same' }],
    ['res1', 'ResidualBasic', { filters: 4 }],
    ['res2', 'ResidualBasic', { filters: 6, strides: 2 }],
    ['pool', 'MaxPool2D', { poolSize: 2, strides: 2 }],
    ['drop', 'Dropout', { rate: 0.5 }],
    ['flat', 'Flatten'],
    ['dense', 'Dense', { units: 3 }],
    ['out', 'Output', { classes: 3 }],
  ])
  const image = rand(8 * 8 * 3, 11)
  let built: BuiltModel
  beforeAll(() => {
    built = buildModel(tf, doc)
    randomiseWeights(tf, built.model, 100)
  })
  afterAll(() => built.model.dispose())

  /**
   * ∂ logit / ∂ shift_c by central differences, through model.predict, where `shift` is a bias
   * added to every value of channel c of a node's output: Σ over h, w of ∂ logit / ∂A[h, w, c].
   * A small step: one of 1e-2 on every pixel at once crosses ReLU and max-pooling kinks here.
   */
  function channelSums(nodeId: string, biasIndex: number, k: number, eps = 1e-3) {
    const layer = built.model.getLayer(built.layerNames.get(nodeId)!)
    const original = layer.getWeights().map((w) => Array.from(w.dataSync()))
    const sums = original[biasIndex].map((_, c) => {
      const at = (delta: number) => {
        setLayer(
          built,
          nodeId,
          original.map((w, i) => (i === biasIndex ? w.map((v, j) => (j === c ? v + delta : v)) : w)),
        )
        return logits(built, image)[k]
      }
      return (at(eps) - at(-eps)) / (2 * eps)
    })
    setLayer(built, nodeId, original)
    return sums
  }

  const sumOverPixels = (g: Float32Array, channels: number) =>
    Array.from({ length: channels }, (_, c) =>
      g.filter((_, i) => i % channels === c).reduce((s, v) => s + v, 0),
    )

  it.each([
    // Inside the first block's main branch: the identity shortcut bypasses it (BatchNorm's β shifts it).
    ['res1/conv1_bn', 1],
    // The block's input: both the main branch and the shortcut leave it (the stem's bias shifts it).
    ['stem', 1],
  ])('the gradient w.r.t. %s matches finite differences of the model', (nodeId, biasIndex) => {
    for (const k of [0, 2]) {
      const got = nodeGradient(tf, built, image, k, nodeId)
      const c = got.shape[2]
      expect(got.shape).toEqual([8, 8, 4])
      expectClose(
        sumOverPixels(got.gradient, c),
        channelSums(nodeId, biasIndex, k),
        2e-3,
        `${nodeId}, class ${k}`,
      )
    }
  })

  it('the activation Grad-CAM reads is the node output model.predict computes', () => {
    const probe = tf.model({ inputs: built.model.inputs, outputs: built.tensors.get('res1/conv1_bn')! })
    const want = tf.tidy(() =>
      Array.from((probe.predict(tf.tensor4d(image, [1, 8, 8, 3])) as tfjs.Tensor).dataSync()),
    )
    expectClose(nodeGradient(tf, built, image, 0, 'res1/conv1_bn').activation, want, 1e-5)
  })

  it('Grad-CAM at a block layer is ReLU(Σ α_c A_c) of that gradient', () => {
    const { activation, gradient } = nodeGradient(tf, built, image, 1, 'res1/conv1_bn')
    const alpha = sumOverPixels(gradient, 4).map((s) => s / 64)
    const cam = Array.from({ length: 64 }, (_, p) =>
      Math.max(
        0,
        alpha.reduce((s, a, c) => s + a * activation[4 * p + c], 0),
      ),
    )
    expectClose(gradCam(tf, built, image, 1, 'res1/conv1_bn').values, normalised(cam), 1e-5)
  })

  it('defaults to the last convolution, the second block conv2, and resizes its 4×4 map to 8×8', () => {
    expect(defaultGradCamNode(built)).toBe('res2/conv2')
    const map = gradCam(tf, built, image, 0)
    expect([map.nodeId, map.height, map.width, map.values.length]).toEqual(['res2/conv2', 8, 8, 64])
    expect(Math.max(...map.values)).toBe(1)
    expect(Math.min(...map.values)).toBeGreaterThanOrEqual(0)
  })

  it('leaves no tensor behind', () => {
    gradCam(tf, built, image, 0)
    const before = tf.memory().numTensors
    gradCam(tf, built, image, 2)
    gradCam(tf, built, image, 1, 'res1/add')
    saliency(tf, built, image, 1)
    nodeGradient(tf, built, image, 0, 'stem')
    expect(() => gradCam(tf, built, image, 7)).toThrow()
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('defaultGradCamNode', () => {
  const of = (doc: GraphDocument) => defaultGradCamNode(checkBuildable(doc))

  it('LeNet-5: C3, the last convolution whose map is more than 1×1 (C5 is 1×1×120)', () => {
    expect(of(getTemplate('lenet5')!.document)).toBe('c3')
  })

  it('ResNet-18 (CIFAR): the last block’s second convolution', () => {
    expect(of(getTemplate('resnet18-cifar')!.document)).toBe('layer4_1/conv2')
  })

  it('takes a 1×1 convolution when there is no other, skips one that reaches no Output, and is null without any', () => {
    const oneByOne = chain([
      ['in', 'Input', { height: 3, width: 3, channels: 1 }],
      ['c', 'Conv2D', { filters: 2, kernelSize: 3 }],
      ['flat', 'Flatten'],
      ['out', 'Output', { classes: 2 }],
    ])
    expect(of(oneByOne)).toBe('c')
    expect(of(deadBranch)).toBeNull()
    const noConv = chain([
      ['in', 'Input', { height: 2, width: 2, channels: 1 }],
      ['flat', 'Flatten'],
      ['out', 'Output', { classes: 4 }],
    ])
    expect(of(noConv)).toBeNull()
  })
})

describe('errors', () => {
  const doc = testDoc(
    [
      ['in', 'Input', { height: 4, width: 4, channels: 1 }],
      ['conv', 'Conv2D', { filters: 2, kernelSize: 1 }],
      ['dead', 'Conv2D', { filters: 2, kernelSize: 1 }],
      ['res', 'ResidualBasic', { filters: 2 }],
      ['flat', 'Flatten'],
      ['dense', 'Dense', { units: 3 }],
      ['out', 'Output', { classes: 3 }],
    ],
    [
      ['in', 'conv'],
      ['in', 'dead'],
      ['conv', 'res'],
      ['res', 'flat'],
      ['flat', 'dense'],
      ['dense', 'out'],
    ],
  )
  const image = rand(16, 3)
  let built: BuiltModel
  beforeAll(() => {
    built = buildModel(tf, doc)
  })
  afterAll(() => built.model.dispose())

  it('names an unknown node, a block, a flat node and a dead branch, with the fix', () => {
    expect(() => gradCam(tf, built, image, 0, 'nope')).toThrow(
      /no node 'nope'.*inside a block: 'block\/inner'.*use the last convolution \('res\/conv2'\)/,
    )
    expect(() => gradCam(tf, built, image, 0, 'res')).toThrow(
      /'res' is a block; name one of its layers.*'res\/conv1'/,
    )
    expect(() => gradCam(tf, built, image, 0, 'flat')).toThrow(
      /'flat' \(Flatten\) outputs 32, not a 3-D map.*before the network flattens/,
    )
    expect(() => gradCam(tf, built, image, 0, 'dead')).toThrow(/'dead' does not lead to the Output/)
    // Any node with a 3-D map on the way to the Output will do, the input itself included.
    expect(gradCam(tf, built, image, 0, 'res/add').nodeId).toBe('res/add')
    expect(gradCam(tf, built, image, 0, 'in').values).toHaveLength(16)
  })

  it('refuses a class out of range and an image of the wrong size or with non-finite values', () => {
    for (const k of [3, -1])
      expect(() => gradCam(tf, built, image, k)).toThrow(
        `Class index ${k} is out of range: this model has 3 classes, numbered 0 to 2.`,
      )
    expect(() => gradCam(tf, built, image, 1.5)).toThrow(
      'Class index 1.5 is not a whole number: this model has 3 classes, numbered 0 to 2.',
    )
    expect(() => saliency(tf, built, image, 3)).toThrow(/Class index 3 is out of range/)
    expect(() => saliency(tf, built, new Float32Array(15), 0)).toThrow(
      "The image has 15 values, but the model's input is 4×4×1 = 16",
    )
    const nan = image.slice()
    nan[5] = NaN
    expect(() => gradCam(tf, built, nan, 0)).toThrow('The image holds NaN at index 5')
  })

  it('says when a network has no convolution to default to', () => {
    const flat = buildModel(
      tf,
      chain([
        ['in', 'Input', { height: 2, width: 2, channels: 1 }],
        ['pool', 'MaxPool2D', { poolSize: 1, strides: 1 }],
        ['flat', 'Flatten'],
        ['out', 'Output', { classes: 4 }],
      ]),
    )
    try {
      const x = new Float32Array([1, 2, 3, 4])
      expect(() => gradCam(tf, flat, x, 0)).toThrow(/no convolutional layer.*Name a node with a 3-D output/)
      expect(gradCam(tf, flat, x, 3, 'pool').nodeId).toBe('pool')
    } finally {
      flat.model.dispose()
    }
  })
})
