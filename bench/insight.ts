/**
 * Inside a trained run (issue 12's targets), each against a reference in the same run:
 *
 * 1. Evaluation of LeNet-5 (MNIST) on the 10,000 Fashion-MNIST test images as the app does it
 *    (LoadedRun.evaluate: batches from the dataset, onnxruntime, the metrics) against onnxruntime
 *    alone running the same model on the same, already normalised images in the same batches.
 *    Target: ≤ 2×.
 * 2. Every node's output of CIFAR ResNet-18 for one sample (LoadedRun.activations on a new sample:
 *    preprocessing, one onnxruntime run with every node as an output, NHWC conversion, thumbnails),
 *    once the model is loaded, against onnxruntime's logits-only run of the same sample. Target:
 *    < 100 ms.
 *
 * Weights are fresh (seeded): speed does not depend on training.
 *
 *   npm run bench:insight
 */
import * as ort from 'onnxruntime-node'
import { PNG } from 'pngjs'
import { hyperparametersSchema } from '../src/shared/api/training'
import { getTemplate } from '../src/shared/templates'
import { loadDatasetFor } from '../src/main/datasets/dataset-for-graph'
import { makeTrainData } from '../src/main/datasets/train-data'
import { resolveDataDir } from '../src/main/data-dir'
import { buildModel } from '../src/main/model/build-model'
import { encodeTensors } from '../src/main/model/checkpoint'
import { getWeights } from '../src/main/model/weights'
import { LoadedRun, type RunModelSpec } from '../src/main/insight/loaded-run'
import { runOnnx, weightsByNode } from '../src/main/insight/run-onnx'
import { loadBackend } from '../src/main/tfjs/backends'
import { decodeTensors } from '../src/main/model/checkpoint'
import { mulberry32 } from '../src/main/datasets/random'

const { tf } = await loadBackend({ force: 'cpu' })
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ms = (x: number) => `${x.toFixed(1)} ms`

async function specOf(template: string): Promise<RunModelSpec> {
  const document = getTemplate(template)!.document
  const built = buildModel(tf, document, { seed: 1, purpose: 'export' })
  const weights = encodeTensors(await getWeights(built.model))
  built.model.dispose()
  return {
    key: template,
    runId: template,
    epoch: 1,
    document,
    weights,
    dataset: { builtin: 'fashion-mnist' },
    hyperparameters: hyperparametersSchema.parse({}),
    classes: Array.from({ length: 10 }, (_, i) => `class ${i}`),
    dataDir: resolveDataDir(),
  }
}

const noTfjs = () => Promise.reject(new Error('not needed'))

// 1. Evaluation of LeNet-5 on 10,000 images.
{
  const spec = await specOf('lenet5-mnist')
  const run = new LoadedRun(spec, noTfjs)
  await run.evaluate('test') // loads the dataset and the session
  const ours: number[] = []
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    const e = await run.evaluate('test')
    ours.push(performance.now() - t)
    if (e.samples !== 10_000 || e.engine !== 'onnxruntime') throw new Error('unexpected evaluation')
  }
  // The reference: onnxruntime alone on the same model, images normalised beforehand.
  const data = makeTrainData(
    await loadDatasetFor(spec.document, spec.dataset, spec.dataDir),
    spec.hyperparameters,
  )
  const images = data.evalBatch('test', 0, 10_000).x
  const model = runOnnx(run.graph, weightsByNode(run.graph, decodeTensors(spec.weights)), {
    everyNode: false,
  })
  const session = await ort.InferenceSession.create(model.bytes)
  const batch = 512
  const alone: number[] = []
  for (let i = 0; i < 6; i++) {
    const t = performance.now()
    for (let s = 0; s < 10_000; s += batch) {
      const m = Math.min(batch, 10_000 - s)
      await session.run({
        images: new ort.Tensor('float32', images.subarray(s * 784, (s + m) * 784), [m, 28, 28, 1]),
      })
    }
    if (i > 0) alone.push(performance.now() - t)
  }
  await session.release()
  await run.release()
  const [a, b] = [median(ours), median(alone)]
  console.log(
    `LeNet-5 evaluation of 10,000 images: app ${ms(a)} (${Math.round(10_000 / (a / 1000)).toLocaleString('en')} samples/s), ` +
      `onnxruntime alone ${ms(b)} (${Math.round(10_000 / (b / 1000)).toLocaleString('en')} samples/s): ${(a / b).toFixed(2)}× (target ≤ 2×)`,
  )
}

// 2. Every feature map of CIFAR ResNet-18 for one new sample.
{
  const spec = { ...(await specOf('resnet18-cifar')), dataset: { builtin: 'cifar10' as const } }
  const run = new LoadedRun(spec, noTfjs)
  const rand = mulberry32(3)
  const png = (i: number) => {
    const p = new PNG({ width: 32, height: 32 })
    for (let k = 0; k < p.data.length; k++) p.data[k] = k % 4 === 3 ? 255 : Math.floor(rand() * 256)
    return {
      kind: 'image' as const,
      file: { name: `sample-${i}.png`, data: PNG.sync.write(p).toString('base64') },
    }
  }
  let t = performance.now()
  const first = await run.activations(png(0))
  console.log(
    `ResNet-18 (CIFAR) first sample, model loaded on the way: ${ms(performance.now() - t)} (${Object.keys(first.nodes).length} nodes)`,
  )
  const times: number[] = []
  let last = png(1)
  for (let i = 1; i <= 8; i++) {
    last = png(i)
    t = performance.now()
    await run.activations(last)
    times.push(performance.now() - t)
  }
  // Clicking through the nodes of the sample on show: no new run of the network.
  const maps: number[] = []
  for (const id of Object.keys(first.nodes)) {
    t = performance.now()
    await run.featureMap(last, id)
    maps.push(performance.now() - t)
  }
  const model = runOnnx(run.graph, weightsByNode(run.graph, decodeTensors(spec.weights)), {
    everyNode: false,
  })
  const session = await ort.InferenceSession.create(model.bytes)
  const x = new Float32Array(32 * 32 * 3).map(() => rand())
  const logits: number[] = []
  for (let i = 0; i < 9; i++) {
    t = performance.now()
    await session.run({ images: new ort.Tensor('float32', x, [1, 32, 32, 3]) })
    if (i > 0) logits.push(performance.now() - t)
  }
  await session.release()
  await run.release()
  console.log(
    `ResNet-18 (CIFAR) every node's output for a new sample: median ${ms(median(times))} (target < 100 ms); ` +
      `a node's whole map once run: median ${ms(median(maps))}; onnxruntime logits alone: median ${ms(median(logits))} ` +
      `(${(median(times) / median(logits)).toFixed(2)}×)`,
  )
}
