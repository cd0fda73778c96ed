import { describe, expect, it } from 'vitest'
import { hyperparametersSchema } from '../src/shared/api/training'
import { everyKind } from './fixtures/every-kind'
import { LAYER_KINDS } from '../src/shared/layers/registry'
import { mulberry32 } from '../src/main/datasets/random'
import type { TrainData } from '../src/main/datasets/train-data'
import { buildModel } from '../src/main/model/build-model'
import { BACKENDS, loadBackend, type LoadedBackend } from '../src/main/tfjs/backends'
import { useSwiftShader } from '../src/main/tfjs/test-kit'
import { trainLoop } from '../src/main/training/loop'

function randomData(n: number): TrainData {
  const random = mulberry32(11)
  const per = 12 * 12 * 3
  const x = Float32Array.from({ length: n * per }, () => random() * 2 - 1)
  const y = Int32Array.from({ length: n }, (_, i) => i % 4)
  return {
    shape: [12, 12, 3],
    classes: 4,
    trainCount: n,
    valCount: 0,
    testCount: 0,
    trainBatch: (indices) => ({
      x: Float32Array.from(
        Array.from(indices).flatMap((k) => Array.from(x.subarray(k * per, (k + 1) * per))),
      ),
      y: Int32Array.from(indices, (k) => y[k]),
    }),
    evalBatch: () => ({ x: new Float32Array(), y: new Int32Array() }),
  }
}

// webgpu on SwiftShader where no GPU offers an adapter: it loads here too (asked for by name).
useSwiftShader()
// One after another: TF.js's setBackend is not safe to run concurrently (a backend whose async
// start another setBackend overtakes never sets up its kernels: wasm then fails, "wasmMean is not
// a function").
const LOADED: LoadedBackend[] = []
for (const name of BACKENDS) {
  const loaded = await loadBackend({ force: name }).catch(() => null)
  if (loaded) LOADED.push(loaded)
}

describe('every layer kind trains', () => {
  it('the test graph holds every layer kind', () => {
    expect(new Set(everyKind.nodes.map((n) => n.kind))).toEqual(new Set(LAYER_KINDS))
  })

  it('wasm, plain JS and webgpu load on every machine', () => {
    expect(LOADED.map((b) => b.name)).toEqual(expect.arrayContaining(['webgpu', 'wasm', 'cpu']))
  })

  // The native backends are optional packages, absent on most machines: each backend that loads here.
  it.each(LOADED.map((b) => [b.name, b] as const))(
    '%s: one step moves every trainable weight, loss finite',
    async (name, backend) => {
      const { tf } = backend
      // Loading them all above left the last one active: switch to this one.
      const tfName = name === 'tensorflow-gpu' ? 'tensorflow' : name
      expect(await tf.setBackend(tfName)).toBe(true)
      expect(tf.getBackend()).toBe(tfName)
      const { model } = buildModel(tf, everyKind, { seed: 2 })
      // Read asynchronously: webgpu cannot read synchronously in Node.
      const values = () =>
        Promise.all(model.trainableWeights.map(async (w) => (await w.read().data()).slice()))
      const before = await values()
      let loss = NaN
      const outcome = await trainLoop(
        tf,
        model,
        randomData(8),
        hyperparametersSchema.parse({ epochs: 1, batchSize: 8, validationSplit: 0, learningRate: 0.01 }),
        { onBatch: (b) => (loss = b.loss), onEpoch: () => {}, onCheckpoint: () => {} },
        { stopRequested: () => false, pauseRequested: () => false, waitWhilePaused: async () => {} },
      )
      expect(outcome.status).toBe('finished')
      expect(Number.isFinite(loss)).toBe(true)
      const after = await values()
      const unchanged = model.trainableWeights
        .filter((_w, i) => after[i].every((v, k) => v === before[i][k]))
        .map((w) => w.name)
      expect(unchanged).toEqual([])
      model.dispose()
    },
  )
})
