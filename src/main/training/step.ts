import type * as tfjsModule from '@tensorflow/tfjs'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import type { TrainData } from '../datasets/train-data'

type Tensor = tfjsModule.Tensor

/** Images `start` … `start + size − 1` of a batch. */
export interface Chunk {
  start: number
  size: number
}

/**
 * The pieces a batch's gradient is computed in: its micro-batches when asked for (memory), else
 * `parts` near-equal pieces (one per thread), else the whole batch.
 */
export function chunksOf(n: number, microBatch: number, parts: number): Chunk[] {
  const size = microBatch > 0 && microBatch < n ? microBatch : Math.ceil(n / Math.max(1, Math.min(parts, n)))
  const chunks: Chunk[] = []
  for (let start = 0; start < n; start += size) chunks.push({ start, size: Math.min(size, n - start) })
  return chunks
}

/** What one thread computes for a step: its chunks' summed gradients, loss share and hits. */
export interface ChunkGradients<G> {
  grads: G[]
  /** Σ over its chunks of the chunk's mean loss × size / n: the chunks of a batch add up to its mean. */
  loss: number
  hits: number
}

/**
 * Gradients of the batch's mean cross-entropy restricted to `chunks` of the batch `x`, `y` (n
 * images), summed over the chunks, for `variables` in their order. Each chunk's loss is its sum
 * divided by n, so the chunks of a batch, computed anywhere, add up to one full-batch step.
 */
export async function chunkGradients(
  tf: Tfjs,
  model: tfjsModule.LayersModel,
  variables: tfjsModule.Variable[],
  data: Pick<TrainData, 'shape' | 'classes'>,
  batch: { x: Float32Array; y: Int32Array; n: number },
  chunks: Chunk[],
): Promise<ChunkGradients<Tensor>> {
  const [h, w, c] = data.shape
  const per = h * w * c
  let loss = 0
  let hits = 0
  let summed: Tensor[] | null = null
  for (const { start, size: m } of chunks) {
    const { value, grads, hitsT } = tf.tidy(() => {
      const xs = tf.tensor4d(batch.x.subarray(start * per, (start + m) * per), [m, h, w, c])
      const labels = tf.tensor1d(batch.y.subarray(start, start + m), 'int32')
      const onehot = tf.oneHot(labels, data.classes)
      let kept: Tensor | undefined
      const result = tf.variableGrads(() => {
        const logits = model.apply(xs, { training: true }) as Tensor
        kept = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32')))
        return tf.div(tf.mul(tf.losses.softmaxCrossEntropy(onehot, logits), m), batch.n) as tfjsModule.Scalar
      }, variables)
      return { value: result.value, grads: variables.map((v) => result.grads[v.name]), hitsT: kept! }
    })
    // Read asynchronously: a GPU backend (webgpu) cannot read synchronously in Node.
    loss += (await value.data())[0]
    hits += (await hitsT.data())[0]
    tf.dispose([value, hitsT])
    if (summed === null) summed = grads
    else {
      const prev: Tensor[] = summed
      summed = tf.tidy(() => prev.map((g, i) => tf.add(g, grads[i])))
      tf.dispose([...prev, ...grads])
    }
  }
  return { grads: summed ?? [], loss, hits }
}

/** One step's work for a gradient helper thread: the weights to use and its chunks of the batch. */
export interface HelperStep {
  weights: Float32Array[]
  x: Float32Array
  y: Int32Array
  n: number
  chunks: Chunk[]
}

/** A helper thread failed or ended during a step: the step was not applied and can be redone. */
export class HelperFailedError extends Error {}

/** Another thread computing chunk gradients (gradient-helpers.ts), or a stand-in in tests. */
export interface GradientHelper {
  gradients(step: HelperStep): Promise<ChunkGradients<Float32Array>>
  dispose(): Promise<void>
}

/**
 * One optimizer step over a batch of n images. The batch is cut into chunks (`chunksOf`); with
 * helpers, chunk i goes to thread i mod T (this one is thread 0) and runs there in parallel, and
 * the gradients are summed in thread order, so a given T always sums the same way. A batch is
 * split across threads only when `splitBatch` (no BatchNorm: its batch statistics would change)
 * or when it is in micro-batches anyway. Returns the batch's mean loss and correct predictions.
 */
export async function trainStep(
  tf: Tfjs,
  model: tfjsModule.LayersModel,
  optimizer: tfjsModule.Optimizer,
  variables: tfjsModule.Variable[],
  data: Pick<TrainData, 'shape' | 'classes'>,
  batch: { x: Float32Array; y: Int32Array; n: number },
  options: { microBatch: number; helpers: GradientHelper[]; splitBatch: boolean },
): Promise<{ loss: number; correct: number }> {
  const parts = options.splitBatch ? options.helpers.length + 1 : 1
  const chunks = chunksOf(batch.n, options.microBatch, parts)
  const threads = Math.min(options.helpers.length + 1, chunks.length)
  const share = (t: number) => chunks.filter((_, i) => i % threads === t)
  let pending: Promise<ChunkGradients<Float32Array>>[] = []
  if (threads > 1) {
    const weights = await Promise.all(variables.map(async (v) => (await v.data()) as Float32Array))
    pending = options.helpers
      .slice(0, threads - 1)
      .map((helper, t) => helper.gradients({ ...batch, weights, chunks: share(t + 1) }))
  }
  const all = Promise.all(pending)
  all.catch(() => {}) // awaited below: a helper failing while this thread computes is not unhandled
  // Computed here while the helpers compute theirs.
  const own = await chunkGradients(tf, model, variables, data, batch, share(0))
  let theirs: ChunkGradients<Float32Array>[]
  try {
    theirs = await all
  } catch (e) {
    tf.dispose(own.grads)
    throw new HelperFailedError((e as Error).message)
  }
  let grads = own.grads
  if (theirs.length) {
    grads = tf.tidy(() =>
      own.grads.map((g, i) => theirs.reduce((sum, r) => tf.add(sum, tf.tensor(r.grads[i], g.shape)), g)),
    )
    tf.dispose(own.grads)
  }
  optimizer.applyGradients(Object.fromEntries(variables.map((v, i) => [v.name, grads[i]])))
  tf.dispose(grads)
  return {
    loss: theirs.reduce((s, r) => s + r.loss, own.loss),
    correct: theirs.reduce((s, r) => s + r.hits, own.hits),
  }
}
