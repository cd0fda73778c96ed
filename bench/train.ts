/**
 * Training speed on the backend training would choose (or `--backend NAME`): LeNet-5 on the real
 * Fashion-MNIST (batch 64) and the CIFAR ResNet-18 on random 32×32×3 data (batch 64, and 128 in
 * micro-batches of 32), in samples per second and milliseconds per batch, with the WebAssembly
 * heap used; on one thread and on as many as training uses here (helper threads, step.ts). When
 * PyTorch imports (Debian's python3-torch), the same models and batch sizes run in PyTorch in the
 * same run (bench/train_torch.py, 2 threads) and the ratio is printed.
 *
 *   npm run bench:train [-- --backend wasm] [-- --quick]
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { hyperparametersSchema, type Hyperparameters } from '../src/shared/api/training'
import { getTemplate } from '../src/shared/templates'
import { loadDataset } from '../src/main/datasets/catalog'
import { mulberry32 } from '../src/main/datasets/random'
import { makeTrainData, type TrainData } from '../src/main/datasets/train-data'
import { buildModel } from '../src/main/model/build-model'
import { loadBackend, type BackendName } from '../src/main/tfjs/backends'
import { startGradientHelpers, trainingThreads } from '../src/main/training/gradient-helpers'
import { trainLoop } from '../src/main/training/loop'

const args = process.argv.slice(2)
const force = args.includes('--backend') ? (args[args.indexOf('--backend') + 1] as BackendName) : undefined
const quick = args.includes('--quick')
const backend = await loadBackend({ force })
const { tf } = backend
console.log(`backend ${backend.name} · ${backend.device}`)

interface Result {
  model: string
  batch: number
  threads: number
  msPerBatch: number
  samplesPerSecond: number
  heapMb: number | null
}

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
  const helpers = await startGradientHelpers(threads - 1, { document, backend: backend.name })
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
const results: Result[] = []
const fashion = await Promise.resolve()
  .then(() => loadDataset({ builtin: 'fashion-mnist' }, '/nonexistent'))
  .catch(() => null)
const lenetData = fashion ? makeTrainData(fashion, h({ batchSize: 64 })) : randomData([28, 28, 1], 60_000)
if (!fashion) console.log('Fashion-MNIST not found: LeNet-5 on random data')
// One thread, then as many as training uses here (trainingThreads), when that is more.
const threads = trainingThreads(backend.name)
const counts = threads > 1 ? [1, threads] : [1]
for (const t of counts) {
  results.push(await measure('lenet5-mnist', lenetData, h({ batchSize: 64 }), quick ? 50 : 300, t))
  console.log(JSON.stringify(results.at(-1)))
}
const cifar = randomData([32, 32, 3], 1_000)
// Batch 64 whole: BatchNorm's statistics keep it on one thread (step.ts).
results.push(await measure('resnet18-cifar', cifar, h({ batchSize: 64 }), quick ? 1 : 3))
console.log(JSON.stringify(results.at(-1)))
for (const t of counts) {
  results.push(
    await measure('resnet18-cifar', cifar, h({ batchSize: 128, microBatch: 32 }), quick ? 1 : 2, t),
  )
  console.log(JSON.stringify(results.at(-1)))
}

const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch']).status === 0)
let torch: Result[] = []
if (python) {
  const script = fileURLToPath(new URL('./train_torch.py', import.meta.url))
  const r = spawnSync(python, [script, '2'], { encoding: 'utf8' })
  torch = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
} else console.log('PyTorch is not installed (apt-get install python3-torch): no reference run.')

console.log(
  `\n${'model'.padEnd(16)}${'batch'.padStart(6)}${'threads'.padStart(8)}${'ms/batch'.padStart(10)}${'samples/s'.padStart(11)}${'heap MB'.padStart(9)}${'PyTorch s/s'.padStart(13)}${'ratio'.padStart(8)}`,
)
for (const r of results) {
  const ref = torch.find((t) => r.model.startsWith(t.model) && t.batch === r.batch)
  console.log(
    `${r.model.padEnd(16)}${String(r.batch).padStart(6)}${String(r.threads).padStart(8)}${r.msPerBatch.toFixed(1).padStart(10)}${r.samplesPerSecond.toFixed(1).padStart(11)}` +
      `${(r.heapMb === null ? '-' : r.heapMb.toFixed(0)).padStart(9)}${(ref ? ref.samplesPerSecond.toFixed(1) : '-').padStart(13)}` +
      `${(ref ? `${(r.samplesPerSecond / ref.samplesPerSecond).toFixed(2)}×` : '-').padStart(8)}`,
  )
}
if (!existsSync('/usr/share/datasets/fashion-mnist'))
  console.log('(apt-get install dataset-fashion-mnist for the real data)')
