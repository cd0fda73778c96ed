/**
 * The resource preflight's estimate (src/shared/training/memory-estimate.ts) against the wasm heap
 * that real training steps take: each configuration trains two steps (the second with the optimizer's
 * state in place) through the training code (buildModel, makeOptimizer, trainStep, one thread) in a
 * fresh process, since a wasm heap never shrinks; measured is the heap's growth beyond the 16 MiB
 * TF.js starts with. The heap grows in steps of up to 20% (at most 96 MiB), so measured is itself a
 * little above what was needed. Prints estimate / measured for each: the estimate is meant to be an
 * upper bound, so every ratio should be at least 1.
 *
 *   npm run bench:memory [-- --quick] [-- --kinds]
 *   --kinds: the per-kind factors instead: a convolution then four layers of one kind on 32×32×16
 *   maps at batch 256 and 1024; the growth between them per image and layer, in output-sized tensors
 *   (KEPT_PER_OUTPUT). One heap step is up to ±96 MiB, so these are ±0.5 or so.
 *
 * Measured on this 2-core machine (tfjs 4.22 wasm, one thread), estimate / measured: LeNet-5 batch
 *   1024 1.58, 4096 1.35; CIFAR VGG 64 1.48, 256 1.41; CIFAR ResNet-18 16 1.38, 32 1.37, 64 1.42
 *   (1.48 GiB measured), 64 with SGD 1.36, 128 in micro-batches of 32 1.43; AlexNet 16 1.37, 64
 *   1.58, 160 1.52 (3.83 GiB measured); MobileNet v2 4 1.18, 16 1.20 (3.95 GiB: at the heap's
 *   limit, so the preflight refuses it: its largest batch is 13); VGG-16 batch 1 with plain SGD 1.08
 *   (3.36 GiB). VGG-16 at batch 1 with SGD and momentum 0.9 ends in "memory access out of bounds"
 *   (estimate 4.76 GiB against the 3.98 GiB budget: refused).
 *   --kinds (noisy: the heap's steps): conv 1.9–2.8, relu 2.1, relu6 3.3, batchnorm 4.0, maxpool and
 *   LRN ≤ 2.1, depthwise 3.0, dropout 4.9.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { hyperparametersSchema, type OptimizerName } from '../src/shared/api/training'
import { chain } from '../src/shared/graph/test-kit'
import type { GraphDocument } from '../src/shared/graph/document'
import { getTemplate } from '../src/shared/templates'
import { estimateTrainingMemory } from '../src/shared/training/memory-estimate'

const SELF = fileURLToPath(import.meta.url)
const args = process.argv.slice(2)
const GiB = 2 ** 30

interface Config {
  graph: string
  batch: number
  optimizer: OptimizerName
  momentum?: number
  microBatch?: number
}

const CONFIGS: Config[] = [
  { graph: 'lenet5-mnist', batch: 1024, optimizer: 'adam' },
  { graph: 'lenet5-mnist', batch: 4096, optimizer: 'adam' },
  { graph: 'vgg-cifar', batch: 64, optimizer: 'adam' },
  { graph: 'vgg-cifar', batch: 256, optimizer: 'adam' },
  { graph: 'resnet18-cifar', batch: 16, optimizer: 'adam' },
  { graph: 'resnet18-cifar', batch: 64, optimizer: 'adam' },
  { graph: 'resnet18-cifar', batch: 64, optimizer: 'sgd' },
  { graph: 'resnet18-cifar', batch: 128, optimizer: 'adam', microBatch: 32 },
  { graph: 'alexnet', batch: 16, optimizer: 'adam' },
  { graph: 'alexnet', batch: 64, optimizer: 'adam' },
  { graph: 'mobilenet-v2', batch: 4, optimizer: 'adam' },
  { graph: 'mobilenet-v2', batch: 16, optimizer: 'adam' },
  { graph: 'vgg16', batch: 1, optimizer: 'sgd', momentum: 0 },
  { graph: 'vgg16', batch: 1, optimizer: 'sgd' },
]
const QUICK = new Set([0, 2, 4, 5])

/** Layers whose factor `--kinds` measures: four of each after a convolution. */
const KINDS: Record<string, [string, Record<string, unknown>] | null> = {
  none: null,
  conv: ['Conv2D', { filters: 16, kernelSize: 3, padding: 'same' }],
  relu: ['Activation', { fn: 'relu' }],
  relu6: ['Activation', { fn: 'relu6' }],
  batchnorm: ['BatchNorm', {}],
  maxpool: ['MaxPool2D', { poolSize: 3, strides: 1, padding: 'same' }],
  depthwise: ['DepthwiseConv2D', { kernelSize: 3, padding: 'same' }],
  dropout: ['Dropout', { rate: 0.5 }],
}

function kindGraph(name: string): GraphDocument {
  const layer = KINDS[name]
  const nodes: [string, string, Record<string, unknown>][] = [
    ['in', 'Input', { height: 32, width: 32, channels: 16 }],
    ['c0', 'Conv2D', { filters: 16, kernelSize: 3, padding: 'same' }],
  ]
  if (layer) for (let i = 0; i < 4; i++) nodes.push([`l${i}`, ...layer])
  nodes.push(
    ['gap', 'GlobalAvgPool2D', {}],
    ['fc', 'Dense', { units: 10 }],
    ['out', 'Output', { classes: 10 }],
  )
  return chain(nodes)
}

const documentOf = (graph: string) => getTemplate(graph)?.document ?? kindGraph(graph)
const hyperparametersOf = (c: Config) =>
  hyperparametersSchema.parse({
    batchSize: c.batch,
    optimizer: c.optimizer,
    momentum: c.momentum ?? 0.9,
    microBatch: c.microBatch ?? 0,
  })

/** In a child process: two training steps of one configuration; prints the heap's growth in bytes. */
async function child(c: Config): Promise<void> {
  const { loadBackend } = await import('../src/main/tfjs/backends')
  const { buildModel } = await import('../src/main/model/build-model')
  const { makeOptimizer } = await import('../src/main/training/optimizer')
  const { trainStep } = await import('../src/main/training/step')
  const { tf } = await loadBackend({ force: 'wasm' })
  const heap = () =>
    (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength
  const start = heap()
  const built = buildModel(tf, documentOf(c.graph), { seed: 1 })
  const h = hyperparametersOf(c)
  const optimizer = makeOptimizer(tf, h)
  const { height, width, channels } = built.input
  const x = Float32Array.from({ length: c.batch * height * width * channels }, () => Math.random() - 0.3)
  const y = Int32Array.from({ length: c.batch }, (_, i) => i % built.classes)
  const variables = built.model.trainableWeights.map((w) => w.read() as never)
  const data = { shape: [height, width, channels] as [number, number, number], classes: built.classes }
  for (let step = 0; step < 2; step++)
    await trainStep(
      tf,
      built.model,
      optimizer,
      variables,
      data,
      { x, y, n: c.batch },
      {
        microBatch: h.microBatch,
        helpers: [],
        splitBatch: false,
      },
    )
  console.log(JSON.stringify({ growth: heap() - start }))
}

/** Runs one configuration in a fresh process: the heap's growth, or why it failed. */
function measure(c: Config): { growth: number } | { failed: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', JSON.stringify(c)], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  })
  const last = r.stdout.trim().split('\n').at(-1) ?? ''
  if (r.status === 0 && last.startsWith('{')) return JSON.parse(last) as { growth: number }
  const why = `${r.stderr}`.match(/(RuntimeError|RangeError|Error): [^\n]*/)?.[0] ?? `exit ${r.status}`
  return { failed: why }
}

function label(c: Config): string {
  const micro = c.microBatch ? ` in ${c.microBatch}s` : ''
  return `${c.graph} batch ${c.batch}${micro} ${c.optimizer}${c.momentum === 0 ? ' (no momentum)' : ''}`.padEnd(
    48,
  )
}

if (args[0] === '--child') await child(JSON.parse(args[1]) as Config)
else if (args.includes('--kinds')) {
  const element = 32 * 32 * 16 * 4
  const at = (graph: string, batch: number) => measure({ graph, batch, optimizer: 'adam' })
  const slope = (graph: string) => {
    const [a, b] = [at(graph, 256), at(graph, 1024)]
    if (!('growth' in a) || !('growth' in b)) throw new Error(`${graph}: ${JSON.stringify([a, b])}`)
    return (b.growth - a.growth) / (1024 - 256)
  }
  const base = slope('none')
  for (const kind of Object.keys(KINDS).filter((k) => k !== 'none'))
    console.log(
      `${kind.padEnd(10)} ${((slope(kind) - base) / 4 / element).toFixed(2)} output-sized tensors per image`,
    )
} else {
  console.log('estimate / measured wasm heap growth (two training steps, one thread)')
  CONFIGS.forEach((c, i) => {
    if (args.includes('--quick') && !QUICK.has(i)) return
    const estimate = estimateTrainingMemory(documentOf(c.graph), hyperparametersOf(c)).totalBytes
    const m = measure(c)
    const est = `estimate ${(estimate / GiB).toFixed(2)} GiB`
    console.log(
      'growth' in m
        ? `${label(c)} ${est}  measured ${(m.growth / GiB).toFixed(2)} GiB  ratio ${(estimate / m.growth).toFixed(2)}`
        : `${label(c)} ${est}  failed: ${m.failed}`,
    )
  })
}
