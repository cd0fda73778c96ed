import * as tfjs from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { getTemplate, TEMPLATES } from '../../shared/templates'
import { buildModel } from './build-model'
import { GraphBuildError } from './buildable'

const tf = tfjs as unknown as Tfjs

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const run = (doc: Parameters<typeof buildModel>[1], x: tfjs.Tensor) => {
  const { model } = buildModel(tf, doc)
  const y = model.predict(x) as tfjs.Tensor
  const out = { shape: y.shape, values: Array.from(y.dataSync()) }
  model.dispose()
  return out
}

describe('buildModel', () => {
  it.each(TEMPLATES.map((t) => [t.name, t] as const))(
    '%s: countParams and every layer shape equal the registry',
    (_name, t) => {
      const b = buildModel(tf, t.document)
      const { trainable, nonTrainable } = b.analysis.totals
      expect(b.model.countParams()).toBe(trainable + nonTrainable)
      expect(b.tensors.size).toBe(b.expanded.nodes.length)
      for (const [id, s] of b.tensors) expect([id, s.shape]).toEqual([id, b.analysis.nodes[id].outputShape])
      b.model.dispose()
    },
  )

  it('average pooling with explicit and ceil-mode padding leaves padded pixels out of the mean', () => {
    const doc = chain([
      ['in', 'Input', { height: 3, width: 3, channels: 1 }],
      ['pool', 'AvgPool2D', { poolSize: 2, strides: 2, ceilMode: true }],
      ['flat', 'Flatten'],
      ['out', 'Output', { classes: 4 }],
    ])
    const y = run(doc, tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]))
    // Windows: {1,2,4,5} {3,6} {7,8} {9}: means over real pixels only.
    expect(y.values).toEqual([3, 4.5, 7.5, 9])
  })

  it('max pooling with padding lets no padded pixel win over negative inputs', () => {
    const doc = chain([
      ['in', 'Input', { height: 3, width: 3, channels: 1 }],
      ['pool', 'MaxPool2D', { poolSize: 3, strides: 2, padding: 1 }],
      ['flat', 'Flatten'],
      ['out', 'Output', { classes: 4 }],
    ])
    const y = run(doc, tf.tensor4d([-1, -2, -3, -4, -5, -6, -7, -8, -9], [1, 3, 3, 1]))
    expect(y.values).toEqual([-1, -2, -4, -5])
  })

  it('a Flatten on a flat vector passes it through, as the registry infers (the TF.js layer refuses it)', () => {
    const doc = chain([
      ['in', 'Input', { height: 1, width: 2, channels: 2 }],
      ['flat', 'Flatten'],
      ['again', 'Flatten'],
      ['out', 'Output', { classes: 4 }],
    ])
    expect(run(doc, tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2])).values).toEqual([1, 2, 3, 4])
  })

  it('explicit convolution padding is a ZeroPadding2D in front of a valid convolution', () => {
    const doc = chain([
      ['in', 'Input', { height: 4, width: 5, channels: 2 }],
      [
        'conv',
        'Conv2D',
        { filters: 3, kernelSize: [2, 3], padding: { top: 1, bottom: 0, left: 2, right: 1 } },
      ],
    ])
    doc.nodes.push(
      { id: 'flat', kind: 'Flatten', params: {} },
      { id: 'out', kind: 'Output', params: { classes: 72 } },
    )
    doc.edges.push(
      { source: 'conv', target: 'flat', targetPort: 0 },
      { source: 'flat', target: 'out', targetPort: 0 },
    )
    const b = buildModel(tf, doc)
    expect(b.model.layers.map((l) => l.getClassName())).toContain('ZeroPadding2D')
    expect(b.tensors.get('conv')!.shape).toEqual([null, 4, 6, 3])
    b.model.dispose()
  })

  it('LocalResponseNorm follows the PyTorch formula (alpha divided by size)', () => {
    const size = 5
    const [alpha, beta, k] = [0.3, 0.75, 2]
    const doc = chain([
      ['in', 'Input', { height: 1, width: 1, channels: 7 }],
      ['lrn', 'LocalResponseNorm', { size, alpha, beta, k }],
      ['flat', 'Flatten'],
      ['out', 'Output', { classes: 7 }],
    ])
    const a = [0.5, -1, 2, 3, -0.25, 1.5, 4]
    const y = run(doc, tf.tensor4d(a, [1, 1, 1, 7]))
    const want = a.map((v, c) => {
      let sum = 0
      for (let j = Math.max(0, c - 2); j <= Math.min(6, c + 2); j++) sum += a[j] ** 2
      return v / (k + (alpha / size) * sum) ** beta
    })
    y.values.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5))
  })

  it('every activation builds, leaky ReLU with its slope', () => {
    for (const fn of ['relu', 'relu6', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'swish', 'softmax']) {
      const doc = chain([
        ['in', 'Input', { height: 1, width: 1, channels: 2 }],
        ['act', 'Activation', { fn, alpha: 0.1 }],
        ['flat', 'Flatten'],
        ['out', 'Output', { classes: 2 }],
      ])
      const y = run(doc, tf.tensor4d([-2, 8], [1, 1, 1, 2]))
      if (fn === 'leakyRelu') expect(y.values[0]).toBeCloseTo(-0.2)
      if (fn === 'relu6') expect(y.values).toEqual([0, 6])
      if (fn === 'softmax') expect(y.values[0] + y.values[1]).toBeCloseTo(1)
    }
  })

  it('the same seed gives the same initial weights, another seed others', () => {
    const doc = TEMPLATES.find((t) => t.name === 'lenet5-mnist')!.document
    const first = (seed: number) => {
      const { model } = buildModel(tf, doc, { seed })
      const w = Array.from(model.getWeights()[0].dataSync().slice(0, 8))
      model.dispose()
      return w
    }
    expect(first(3)).toEqual(first(3))
    expect(first(3)).not.toEqual(first(4))
  })
})

describe('checkBuildable', () => {
  const issuesOf = (doc: Parameters<typeof buildModel>[1]) => {
    try {
      buildModel(tf, doc)
    } catch (e) {
      expect(e).toBeInstanceOf(GraphBuildError)
      return (e as GraphBuildError).issues
    }
    throw new Error('expected a GraphBuildError')
  }

  it('refuses a convolution both dilated and strided before building, naming the node and the fix', () => {
    const issues = issuesOf(
      chain([
        ['in', 'Input'],
        ['conv', 'Conv2D', { filters: 4, dilation: 2, strides: 2, padding: 'same' }],
        ['gap', 'GlobalAvgPool2D'],
        ['fc', 'Dense', { units: 10 }],
        ['out', 'Output'],
      ]),
    )
    expect(issues).toEqual([{ nodeId: 'conv', message: expect.stringContaining('Set strides to 1×1') }])
  })

  it('refuses a graph without an Output, and one with analysis errors', () => {
    expect(
      issuesOf(
        chain([
          ['in', 'Input'],
          ['flat', 'Flatten'],
          ['fc', 'Dense', { units: 10 }],
        ]),
      )[0].message,
    ).toMatch(/exactly one Output.*Add an Output/)
    const bad = issuesOf(
      chain([
        ['in', 'Input'],
        ['fc', 'Dense', { units: 10 }],
        ['out', 'Output'],
      ]),
    )
    expect(bad[0]).toMatchObject({ nodeId: 'fc', message: expect.stringMatching(/Flatten/) })
  })

  it('refuses a tensor beyond 2^31 elements before TF.js is asked (no "Invalid typed array length")', () => {
    const issues = issuesOf(
      chain([
        ['in', 'Input'],
        ['conv', 'Conv2D', { filters: 1e9 }],
        ['gap', 'GlobalAvgPool2D'],
        ['fc', 'Dense', { units: 10 }],
        ['out', 'Output'],
      ]),
    )
    expect(issues).toEqual([
      {
        nodeId: 'conv',
        message: expect.stringMatching(/^Its output holds 676 G elements .* more than 2\^31/),
      },
      { nodeId: 'fc', message: expect.stringMatching(/^Its weights hold 10.0 G parameters/) },
    ])
    // Dense 784 → 3,000,000: 2.35 G weights in one kernel; the export says so too.
    const wide = chain([
      ['in', 'Input'],
      ['flat', 'Flatten'],
      ['fc', 'Dense', { units: 3e6 }],
      ['out', 'Output', { classes: 3e6 }],
    ])
    expect(issuesOf(wide)).toEqual([
      { nodeId: 'fc', message: expect.stringMatching(/^Its weights hold 2.35 G parameters/) },
    ])
    expect(() => buildModel(tf, wide, { purpose: 'export' })).toThrow(
      /^The graph cannot be exported:\n- fc: Its weights hold/,
    )
  })

  it('draws kernels from the seed, or leaves them at zero when the caller sets every weight next', () => {
    const doc = getTemplate('lenet5')!.document
    const kernels = (options: Parameters<typeof buildModel>[2]) => {
      const { model } = buildModel(tf, doc, options)
      const values = model.trainableWeights
        .filter((w) => w.name.includes('kernel'))
        .map((w) => Array.from(w.read().dataSync()))
      model.dispose()
      return values
    }
    const drawn = kernels({ seed: 3 })
    expect(drawn.length).toBe(5)
    expect(drawn.every((k) => k.some((v) => v !== 0))).toBe(true)
    expect(kernels({ seed: 3 })).toEqual(drawn)
    expect(kernels({ seed: 3, weightsFollow: true }).every((k) => k.every((v) => v === 0))).toBe(true)
  })
})
