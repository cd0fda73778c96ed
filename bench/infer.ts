// Times inferGraph, the analysis the editor re-runs on every edit, on ResNet-152 expanded into
// layers (> 500 nodes) and on a 2,000-node chain. Prints milliseconds per full analysis (median and
// p95) and the ratio to a reference measured in the same run: a JSON round trip of the same
// document, the floor for any pass that touches every node. Target: under 2 ms for ResNet-152.
//   npm run bench:infer
import { performance } from 'node:perf_hooks'
import { isBlockKind } from '../src/shared/blocks/registry'
import type { GraphDocument } from '../src/shared/graph/document'
import { expandDocument } from '../src/shared/graph/expand'
import { inferGraph } from '../src/shared/graph/infer'
import { GraphBuilder } from '../src/shared/templates/builder'
import { resnet152 } from '../src/shared/templates/networks/resnet'

const TARGET_MS = 2
/** torchvision.models.resnet152().parameters(): the bench graph must be the real network. */
const RESNET152_TRAINABLE = 60_192_808

/** torchvision ResNet-152 (bottleneck stages [3, 8, 36, 3]), expanded to primitive layers. */
const resnet152Expanded = (): GraphDocument => expandDocument(resnet152())

/** Input, then Conv2D → BatchNorm → Activation repeated: 2,000 nodes after the input. */
function chain2000(): GraphDocument {
  const b = new GraphBuilder()
  b.node('input', 'Input', { height: 32, width: 32, channels: 16 })
  for (let i = 0; i < 2000; i++) {
    const kind = ['Conv2D', 'BatchNorm', 'Activation'][i % 3]
    b.add('n', kind, kind === 'Conv2D' ? { filters: 16, kernelSize: 3, padding: 'same', useBias: false } : {})
  }
  return b.build('chain', '2,000-node chain')
}

/** Refuses to time a graph that is not what it claims: blocks left, errors, wrong totals. */
function check(name: string, doc: GraphDocument, trainable?: number): void {
  const blocks = doc.nodes.filter((n) => isBlockKind(n.kind))
  const a = inferGraph(doc)
  const problems = [
    ...(blocks.length ? [`${blocks.length} block nodes left after expansion`] : []),
    ...a.errors.map((e) => `${e.nodeId}: ${e.message}`),
    ...a.documentErrors,
    ...(trainable !== undefined && a.totals.trainable !== trainable
      ? [`trainable ${a.totals.trainable}, expected ${trainable}`]
      : []),
  ]
  if (problems.length) throw new Error(`${name}: ${problems.join('; ')}`)
}

interface Timing {
  median: number
  p95: number
}

function time(run: () => void, iterations: number): Timing {
  for (let i = 0; i < Math.min(20, iterations); i++) run()
  const samples: number[] = []
  for (let i = 0; i < iterations; i++) {
    const t = performance.now()
    run()
    samples.push(performance.now() - t)
  }
  samples.sort((a, b) => a - b)
  return { median: samples[Math.floor(samples.length / 2)], p95: samples[Math.floor(samples.length * 0.95)] }
}

function bench(name: string, doc: GraphDocument, iterations: number): { edit: Timing; cold: Timing } {
  const reference = time(() => JSON.parse(JSON.stringify(doc)), iterations)
  // Cold: every params object new (clones made before timing), so every node's parameters are
  // parsed again by their zod schema.
  const copies = Array.from({ length: iterations + 20 }, () => structuredClone(doc))
  let k = 0
  const cold = time(() => inferGraph(copies[k++]), iterations)
  // One edit: the editor replaces one node's params object; the rest hit the parse cache.
  let filters = 16
  const editable = structuredClone(doc)
  const target = editable.nodes.find((n) => n.kind === 'Conv2D')!
  const edit = time(() => {
    target.params = { ...target.params, filters: (filters = filters === 16 ? 32 : 16) }
    inferGraph(editable)
  }, iterations)
  const fmt = (r: Timing) =>
    `median ${r.median.toFixed(3)} ms, p95 ${r.p95.toFixed(3)} ms (${(r.median / reference.median).toFixed(1)}× reference)`
  console.log(`${name}: ${doc.nodes.length} nodes, ${doc.edges.length} edges, ${iterations} runs`)
  console.log(`  reference (JSON round trip): median ${reference.median.toFixed(3)} ms`)
  console.log(`  one-parameter edit:          ${fmt(edit)}`)
  console.log(`  cold (all params new):       ${fmt(cold)}`)
  return { edit, cold }
}

const r152doc = resnet152Expanded()
const chainDoc = chain2000()
check('ResNet-152', r152doc, RESNET152_TRAINABLE)
check('chain', chainDoc)
const r152 = bench('ResNet-152 expanded', r152doc, 300)
bench('2,000-node chain', chainDoc, 100)
const verdict = (ms: number) => `${ms.toFixed(3)} ms: ${ms < TARGET_MS ? 'met' : 'NOT met'}`
console.log(`\nTarget: one analysis of ResNet-152 (median) under ${TARGET_MS} ms.`)
console.log(`  after a one-parameter edit: ${verdict(r152.edit.median)}`)
console.log(`  cold:                       ${verdict(r152.cold.median)}`)
