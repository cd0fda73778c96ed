import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../src/shared/graph/document'
import { expandDocument } from '../src/shared/graph/expand'
import { inferGraph, type GraphAnalysis } from '../src/shared/graph/infer'
import { ALL_KINDS } from '../src/shared/graph/kinds'

/** One random layer: a kind, its parameters, and how many earlier nodes feed it. */
const layer = fc.oneof(
  fc.record({
    kind: fc.constant('Conv2D'),
    params: fc.record({
      filters: fc.integer({ min: 1, max: 16 }),
      kernelSize: fc.integer({ min: 1, max: 5 }),
      strides: fc.integer({ min: 1, max: 3 }),
      padding: fc.constantFrom('valid', 'same', 1, { top: 0, bottom: 2, left: 1, right: 0 }),
      dilation: fc.integer({ min: 1, max: 2 }),
    }),
  }),
  fc.record({
    kind: fc.constantFrom('MaxPool2D', 'AvgPool2D'),
    params: fc.record({
      poolSize: fc.integer({ min: 1, max: 3 }),
      strides: fc.integer({ min: 1, max: 3 }),
      ceilMode: fc.boolean(),
    }),
  }),
  fc.record({
    kind: fc.constant('DepthwiseConv2D'),
    params: fc.record({
      depthMultiplier: fc.integer({ min: 1, max: 2 }),
      padding: fc.constantFrom('same', 'valid'),
    }),
  }),
  fc.record({
    kind: fc.constantFrom('BatchNorm', 'Flatten', 'GlobalAvgPool2D', 'Dropout'),
    params: fc.constant({}),
  }),
  fc.record({
    kind: fc.constant('Activation'),
    params: fc.record({ fn: fc.constantFrom('relu', 'tanh', 'swish') }),
  }),
  fc.record({ kind: fc.constant('Dense'), params: fc.record({ units: fc.integer({ min: 1, max: 32 }) }) }),
  fc.record({ kind: fc.constantFrom('Add', 'Concat'), params: fc.constant({ inputs: 2 }) }),
  fc.record({
    kind: fc.constant('ResidualBasic'),
    params: fc.record({ filters: fc.integer({ min: 1, max: 16 }), strides: fc.integer({ min: 1, max: 2 }) }),
  }),
  fc.record({
    kind: fc.constant('InvertedResidual'),
    params: fc.record({ filters: fc.integer({ min: 1, max: 16 }), strides: fc.integer({ min: 1, max: 2 }) }),
  }),
)

/** A connected graph from one Input; each layer reads from random earlier nodes. */
const randomGraph = fc
  .record({
    h: fc.integer({ min: 1, max: 40 }),
    w: fc.integer({ min: 1, max: 40 }),
    c: fc.integer({ min: 1, max: 8 }),
    layers: fc.array(fc.tuple(layer, fc.nat(), fc.nat()), { minLength: 1, maxLength: 25 }),
  })
  .map(({ h, w, c, layers }): GraphDocument => {
    const nodes: GraphDocument['nodes'] = [
      { id: 'in', kind: 'Input', params: { height: h, width: w, channels: c } },
    ]
    const edges: GraphDocument['edges'] = []
    layers.forEach(([l, a, b], i) => {
      const id = `n${i}`
      nodes.push({ id, kind: l.kind, params: l.params as Record<string, unknown> })
      edges.push({ source: nodes[a % (nodes.length - 1)].id, target: id, targetPort: 0 })
      if (l.kind === 'Add' || l.kind === 'Concat')
        edges.push({ source: nodes[b % (nodes.length - 1)].id, target: id, targetPort: 1 })
    })
    return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: 'random', nodes, edges }
  })

/** Anything at all in the shape of a document: unknown kinds, cycles, garbage parameters. */
const chaoticGraph = fc
  .record({
    nodes: fc.array(
      fc.record({
        id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
        kind: fc.oneof(fc.constantFrom(...ALL_KINDS), fc.string()),
        params: fc.dictionary(
          fc.constantFrom('filters', 'kernelSize', 'units', 'inputs', 'height', 'padding', 'x'),
          fc.anything(),
        ),
      }),
      { maxLength: 8 },
    ),
    edges: fc.array(
      fc.record({
        source: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'),
        target: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'),
        targetPort: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: 12 },
    ),
  })
  .map((g) => ({ format: GRAPH_FORMAT, version: GRAPH_VERSION, name: 'chaos', ...g }) as GraphDocument)

function checkInvariants(doc: GraphDocument, a: GraphAnalysis): void {
  const ids = new Set(doc.nodes.map((n) => n.id))
  expect(new Set(a.order)).toEqual(ids)
  const sum = { trainable: 0, nonTrainable: 0, macs: 0, activationBytes: 0 }
  for (const id of ids) {
    const n = a.nodes[id]
    // every node has a shape, an error, or is unknown because an input is
    if (n.status === 'ok') {
      expect(n.outputShape).not.toBeNull()
      expect(n.error).toBeNull()
      expect(n.outputShape![0]).toBeNull()
      for (const d of n.outputShape!.slice(1)) expect(Number.isInteger(d) && (d as number) >= 1).toBe(true)
      for (const v of [n.params!.trainable, n.params!.nonTrainable, n.macs!, n.activationBytes!])
        expect(Number.isInteger(v) && v >= 0).toBe(true)
      sum.trainable += n.params!.trainable
      sum.nonTrainable += n.params!.nonTrainable
      sum.macs += n.macs!
      sum.activationBytes += n.activationBytes!
    } else if (n.status === 'error') {
      expect(n.error!.message.length).toBeGreaterThan(10)
      expect(n.outputShape).toBeNull()
    } else {
      // unknown: no error of its own, and some input is not known (no cascade of false errors)
      expect(n.error).toBeNull()
      expect(n.inputShapes.some((s) => s === null)).toBe(true)
    }
  }
  expect(a.totals).toEqual(sum)
}

describe('inferGraph on random graphs', () => {
  it('holds its invariants on random well-formed graphs', () => {
    fc.assert(
      fc.property(randomGraph, (doc) => {
        checkInvariants(doc, inferGraph(doc))
      }),
      { numRuns: 300 },
    )
  })

  it('never throws on arbitrary documents and still accounts for every node', () => {
    fc.assert(
      fc.property(chaoticGraph, (doc) => {
        const unique = new Map(doc.nodes.map((n) => [n.id, n]))
        const a = inferGraph(doc)
        if (unique.size === doc.nodes.length) checkInvariants(doc, a)
        else expect(a.documentErrors.length).toBeGreaterThan(0)
      }),
      { numRuns: 500 },
    )
  })

  it('gives the same totals and output shapes after expanding blocks into layers', () => {
    fc.assert(
      fc.property(randomGraph, (doc) => {
        const a = inferGraph(doc)
        fc.pre(a.errors.length === 0)
        const expanded = expandDocument(doc, a)
        const b = inferGraph(expanded)
        expect(b.errors).toEqual([])
        expect(b.totals).toEqual(a.totals)
        expect(expanded.nodes.every((n) => !['ResidualBasic', 'InvertedResidual'].includes(n.kind))).toBe(
          true,
        )
      }),
      { numRuns: 200 },
    )
  })
})
