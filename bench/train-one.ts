/**
 * One backend's part of bench/train.ts, in its own process: loads `NAME` (as training loads a named
 * backend with `--forced`, else as the ladder would) and trains LeNet-5 and the CIFAR ResNet-18 for
 * a few timed batches. Prints JSON lines: `{device, adapter}` then `{result}` per measurement, or
 * `{skipped, adapter}` when the backend does not load.
 *
 * On a software adapter only LeNet-5 runs unless `--models` names ResNet-18: SwiftShader takes
 * about 2 s for one of LeNet-5's convolutions at batch 64, so a ResNet-18 batch would take hours.
 *
 *   tsx bench/train-one.ts NAME [--forced] [--batches N] [--quick] [--models lenet5-mnist,resnet18-cifar]
 */
import { parseArgs } from 'node:util'
import { hyperparametersSchema, type Hyperparameters } from '../src/shared/api/training'
import { getTemplate } from '../src/shared/templates'
import { loadDataset } from '../src/main/datasets/catalog'
import { mulberry32 } from '../src/main/datasets/random'
import { makeTrainData, type TrainData } from '../src/main/datasets/train-data'
import { buildModel } from '../src/main/model/build-model'
import { failedAttempt, LOADERS, type BackendName } from '../src/main/tfjs/backends'
import { startGradientHelpers, trainingThreads } from '../src/main/training/gradient-helpers'
import { trainLoop } from '../src/main/training/loop'

export interface Result {
  model: string
  batch: number
  threads: number
  msPerBatch: number
  samplesPerSecond: number
  heapMb: number | null
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    forced: { type: 'boolean' },
    batches: { type: 'string' },
    quick: { type: 'boolean' },
    models: { type: 'string' },
  },
})
const name = positionals[0] as BackendName
const say = (o: object) => console.log(JSON.stringify(o))

let loaded: Awaited<ReturnType<(typeof LOADERS)[BackendName]>>
try {
  loaded = await LOADERS[name]({ forced: values.forced === true })
} catch (e) {
  const { reason, adapter } = failedAttempt(name, e)
  say({ skipped: reason, ...(adapter ? { adapter } : {}) })
  process.exit(0)
}
const { tf } = loaded
say({ device: loaded.device, ...(loaded.adapter ? { adapter: loaded.adapter } : {}) })

const MODELS = ['lenet5-mnist', 'resnet18-cifar']
const models = values.models?.split(',') ?? (loaded.adapter?.fallback ? ['lenet5-mnist'] : MODELS)
for (const m of models) if (!MODELS.includes(m)) throw new Error(`--models ${m}: one of ${MODELS.join(', ')}`)
if (!models.includes('resnet18-cifar') && !values.models)
  console.log(
    'resnet18-cifar left out on a software adapter (hours per batch); --models resnet18-cifar runs it',
  )

/** Timed batches per measurement: `--batches`, else fewer for the big model (and with --quick). */
const batchesFor = (full: number, quick: number) =>
  values.batches ? Math.max(1, Number(values.batches)) : values.quick ? quick : full

function wasmHeapMb(): number | null {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }
  return b.wasm?.HEAPU8 ? b.wasm.HEAPU8.buffer.byteLength / 2 ** 20 : null
}

/**
 * Trains `batches` batches after one warm-up batch, timed from the warm-up's end to the epoch's, on
 * `threads` threads (helper threads as training starts them).
 */
async function measure(
  model: string,
  data: TrainData,
  h: Hyperparameters,
  batches: number,
  threads = 1,
): Promise<Result> {
  const document = getTemplate(model)!.document
  const { model: m } = buildModel(tf, document, { seed: 1 })
  const helpers = await startGradientHelpers(threads - 1, { document, backend: name })
  let calls = 0
  let start = 0
  let end = 0
  await trainLoop(
    tf,
    m,
    { ...data, trainCount: (batches + 1) * h.batchSize, valCount: 0, testCount: 0 },
    { ...h, epochs: 1 },
    { onBatch: () => {}, onEpoch: () => (end = performance.now()), onCheckpoint: () => {} },
    {
      stopRequested: () => false,
      // Called before every batch: the second call comes when the warm-up batch is done.
      pauseRequested: () => {
        if (++calls === 2) start = performance.now()
        return false
      },
      waitWhilePaused: async () => {},
    },
    undefined,
    { helpers },
  )
  await Promise.all(helpers.map((x) => x.dispose()))
  const heapMb = wasmHeapMb()
  m.dispose()
  const ms = (end - start) / batches
  return {
    model,
    batch: h.batchSize,
    threads,
    msPerBatch: ms,
    samplesPerSecond: (h.batchSize * 1000) / ms,
    heapMb,
  }
}

function randomData(shape: [number, number, number], n: number): TrainData {
  const per = shape[0] * shape[1] * shape[2]
  const random = mulberry32(3)
  const x = Float32Array.from({ length: 128 * per }, () => random() * 2 - 1)
  return {
    shape,
    classes: 10,
    trainCount: n,
    valCount: 0,
    testCount: 0,
    trainBatch: (indices) => ({
      x: x.slice(0, indices.length * per),
      y: Int32Array.from(indices, (k) => k % 10),
    }),
    evalBatch: () => ({ x: new Float32Array(), y: new Int32Array() }),
  }
}

const h = (over: Partial<Hyperparameters>) => hyperparametersSchema.parse({ validationSplit: 0, ...over })
// One thread, then as many as training uses here (trainingThreads), when that is more.
const threads = trainingThreads(name)
const counts = threads > 1 ? [1, threads] : [1]
if (models.includes('lenet5-mnist')) {
  const fashion = await Promise.resolve()
    .then(() => loadDataset({ builtin: 'fashion-mnist' }, '/nonexistent'))
    .catch(() => null)
  const lenetData = fashion ? makeTrainData(fashion, h({ batchSize: 64 })) : randomData([28, 28, 1], 60_000)
  if (!fashion) console.log('Fashion-MNIST not found: LeNet-5 on random data')
  for (const t of counts)
    say({ result: await measure('lenet5-mnist', lenetData, h({ batchSize: 64 }), batchesFor(300, 50), t) })
}
if (models.includes('resnet18-cifar')) {
  const cifar = randomData([32, 32, 3], 1_000)
  // Batch 64 whole: BatchNorm's statistics keep it on one thread (step.ts).
  say({ result: await measure('resnet18-cifar', cifar, h({ batchSize: 64 }), batchesFor(3, 1)) })
  for (const t of counts)
    say({
      result: await measure(
        'resnet18-cifar',
        cifar,
        h({ batchSize: 128, microBatch: 32 }),
        batchesFor(2, 1),
        t,
      ),
    })
}
// Dawn's device and helper threads would keep the process alive.
process.exit(0)
