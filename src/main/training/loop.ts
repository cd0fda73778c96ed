import type * as tfjsModule from '@tensorflow/tfjs'
import type { BatchProgress, EpochMetrics, Hyperparameters } from '../../shared/api/training'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import type { TrainData } from '../datasets/train-data'
import { mulberry32, shuffled } from '../datasets/random'
import {
  decodeTensors,
  encodeTensors,
  type Checkpoint,
  type NamedArray,
  type ResumeState,
  type RunProgress,
} from '../model/checkpoint'
import { getWeights, setWeights } from '../model/weights'
import { decayWeights, makeOptimizer, setLearningRate } from './optimizer'
import { learningRateAt } from './schedule'
import { createEtaEstimator } from '../../shared/training/eta'
import { HelperFailedError, trainStep, type GradientHelper } from './step'

type Tensor = tfjsModule.Tensor

export interface LoopEvents {
  onBatch(p: Omit<BatchProgress, 'runId'>): void
  onEpoch(m: EpochMetrics): void
  /** Awaited, so a checkpoint is stored before the next epoch starts. */
  onCheckpoint(c: Checkpoint, progress: RunProgress): void | Promise<void>
}

/** Pause and stop are read between batches; `waitWhilePaused` resolves once resumed or stopped. */
export interface LoopControl {
  stopRequested(): boolean
  pauseRequested(): boolean
  waitWhilePaused(): Promise<void>
}

export type LoopOutcome =
  | {
      status: 'finished' | 'stopped'
      message: string | null
      test: { loss: number; accuracy: number } | null
    }
  | { status: 'failed'; message: string; test: null; resumable: boolean }

/** A fault that ends the run as failed with this message; the checkpoints stored so far stay. */
export class RunFailure extends Error {
  /** Whether resuming can help (a lost GPU, on it or another backend); a NaN loss would recur. */
  readonly resumable: boolean
  constructor(message: string, options: { resumable?: boolean } = {}) {
    super(message)
    this.resumable = options.resumable ?? false
  }
}

export class NonFiniteLossError extends RunFailure {}

/** Where a guarded step is: a training batch, or the evaluation of a split after an epoch. */
export type StepPlace = { epoch: number; batch: number } | { epoch: number; evaluating: 'val' | 'test' }

/**
 * Runs one training step, turning what the backend reports outside JavaScript's exceptions into
 * a RunFailure (webgpu: its device's error scopes and loss, training/gpu-errors.ts).
 */
export type StepGuard = <T>(step: () => Promise<T>, at: StepPlace) => Promise<T>

/**
 * Images evaluated at once: at most this, and never more than a training step holds (the batch,
 * or its micro-batches), so that what the resource check let through, and the advice of an
 * out-of-memory failure, hold for evaluation too (Keras's validation_batch_size does the same).
 */
const EVAL_BATCH = 256
const evalBatch = (h: Pick<Hyperparameters, 'batchSize' | 'microBatch'>) =>
  Math.min(EVAL_BATCH, h.microBatch > 0 && h.microBatch < h.batchSize ? h.microBatch : h.batchSize)
const BATCH_REPORT_MS = 250

/**
 * Trains `model` on `data`: a seeded shuffle per epoch (so a resumed run sees the batches an
 * uninterrupted one would), the learning-rate schedule per batch, gradient accumulation over
 * micro-batches, validation, a checkpoint with optimizer state after every epoch, early stopping,
 * and at the end a test evaluation with the best weights. A NaN or infinite loss stops the run
 * with a clear message; the checkpoints stored so far stay.
 */
export async function trainLoop(
  tf: Tfjs,
  model: tfjsModule.LayersModel,
  data: TrainData,
  h: Hyperparameters,
  events: LoopEvents,
  control: LoopControl,
  resume?: ResumeState,
  engine: {
    /** Threads that compute part of each batch's gradient (step.ts); none: all here. */
    helpers?: GradientHelper[]
    guard?: StepGuard
  } = {},
): Promise<LoopOutcome> {
  let helpers = engine.helpers ?? []
  const guard: StepGuard = engine.guard ?? ((step) => step())
  const optimizer = makeOptimizer(tf, h)
  const variables = model.trainableWeights.map((w) => w.read() as tfjsModule.Variable)
  // Splitting a batch across threads changes BatchNorm's batch statistics: only micro-batches are
  // shared out then (they change them anyway).
  const splitBatch = !model.layers.some((l) => l.getClassName() === 'BatchNormalization')
  const batches = Math.ceil(data.trainCount / h.batchSize)
  let bestValLoss = resume?.bestValLoss ?? null
  let bestWeights: Uint8Array | null = resume?.checkpoint.isBest ? resume.checkpoint.weights : null
  let epochsWithoutImprovement = resume?.epochsWithoutImprovement ?? 0
  let bestEpoch = resume?.bestEpoch ?? null
  let bestValScore = resume?.bestValScore ?? null
  const startEpoch = resume?.checkpoint.epoch ?? 0
  if (resume) {
    setWeights(tf, model, decodeTensors(resume.checkpoint.weights))
    await setOptimizerState(tf, optimizer, decodeTensors(resume.checkpoint.optimizer, 'optimizer state'))
  }
  const started = performance.now()
  let samplesDone = 0
  const eta = createEtaEstimator()

  try {
    for (let epoch = startEpoch; epoch < h.epochs; epoch++) {
      const order = shuffled(data.trainCount, mulberry32(h.seed * 1_000_003 + epoch))
      let lossSum = 0
      let correct = 0
      let seen = 0
      let lastReport = 0
      const epochStart = performance.now()
      for (let b = 0; b < batches; b++) {
        if (control.pauseRequested()) await control.waitWhilePaused()
        if (control.stopRequested()) return { status: 'stopped', message: 'Stopped by the user.', test: null }
        // The batch alone is timed: a pause or the validation between epochs is not slowness.
        const batchStart = performance.now()
        const lr = learningRateAt(h, epoch + b / batches)
        setLearningRate(optimizer, lr)
        const indices = order.subarray(b * h.batchSize, Math.min((b + 1) * h.batchSize, data.trainCount))
        const { x, y } = data.trainBatch(indices, h.seed * 7_919 + epoch * 100_003 + b)
        const run = () =>
          guard(
            () =>
              trainStep(
                tf,
                model,
                optimizer,
                variables,
                data,
                { x, y, n: indices.length },
                { microBatch: h.microBatch, helpers, splitBatch },
              ),
            { epoch: epoch + 1, batch: b + 1 },
          )
        const step = await run().catch((e: unknown) => {
          if (!(e instanceof HelperFailedError)) throw e
          // Nothing was applied: the run goes on here alone, slower but losing nothing.
          helpers = []
          return run()
        })
        if (!Number.isFinite(step.loss))
          throw new NonFiniteLossError(
            `The training loss became ${step.loss} at epoch ${epoch + 1}, batch ${b + 1} (learning rate ${lr.toPrecision(3)}). ` +
              'Lower the learning rate, add BatchNorm, or check the data; the checkpoints of earlier epochs are kept.',
          )
        if (h.weightDecay > 0) decayWeights(tf, model.trainableWeights, lr, h.weightDecay)
        lossSum += step.loss * indices.length
        correct += step.correct
        seen += indices.length
        samplesDone += indices.length
        const now = performance.now()
        eta.record(indices.length, (now - batchStart) / 1000)
        if (now - lastReport >= BATCH_REPORT_MS || b === batches - 1) {
          lastReport = now
          const speed = eta.speed() ?? samplesDone / ((now - started) / 1000)
          const left = (h.epochs - epoch - 1) * data.trainCount + (data.trainCount - seen)
          events.onBatch({
            epoch: epoch + 1,
            batch: b + 1,
            batches,
            step: epoch * batches + b + 1,
            loss: step.loss,
            samplesPerSecond: speed,
            etaSeconds: eta.eta(left),
          })
          // Let pause/stop messages in.
          await new Promise((r) => setImmediate(r))
        }
      }
      const trainSeconds = (performance.now() - epochStart) / 1000
      const val =
        data.valCount > 0
          ? await guard(() => evaluate(tf, model, data, 'val', evalBatch(h)), {
              epoch: epoch + 1,
              evaluating: 'val',
            })
          : null
      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        trainLoss: lossSum / seen,
        trainAccuracy: correct / seen,
        ...(val ? { valLoss: val.loss, valAccuracy: val.accuracy } : {}),
        learningRate: learningRateAt(h, epoch + 1 - 1e-9),
        samplesPerSecond: seen / trainSeconds,
      }
      events.onEpoch(metrics)
      const score = val ? val.loss : metrics.trainLoss
      const isBest = bestValLoss === null || score < bestValLoss
      if (isBest) {
        bestValLoss = score
        bestEpoch = epoch + 1
        bestValScore = val ? val.accuracy : metrics.trainAccuracy
        epochsWithoutImprovement = 0
      } else epochsWithoutImprovement++
      const weights = encodeTensors(await getWeights(model))
      if (isBest) bestWeights = weights
      await events.onCheckpoint(
        { epoch: epoch + 1, weights, optimizer: encodeTensors(await getOptimizerState(optimizer)), isBest },
        { bestValLoss, bestEpoch, bestValScore, epochsWithoutImprovement },
      )
      if (h.patience > 0 && epochsWithoutImprovement >= h.patience && epoch + 1 < h.epochs) {
        return await finish(`Early stopping: the validation loss did not improve for ${h.patience} epochs.`)
      }
    }
    return await finish(null)
  } catch (e) {
    if (e instanceof RunFailure)
      return { status: 'failed', message: e.message, test: null, resumable: e.resumable }
    throw e
  } finally {
    optimizer.dispose()
  }

  async function finish(message: string | null): Promise<LoopOutcome> {
    if (bestWeights) setWeights(tf, model, decodeTensors(bestWeights))
    const test =
      data.testCount > 0
        ? await guard(() => evaluate(tf, model, data, 'test', evalBatch(h)), {
            epoch: h.epochs,
            evaluating: 'test',
          })
        : null
    return { status: 'finished', message, test }
  }
}

/**
 * Mean loss and accuracy over a split, in inference mode (BatchNorm moving averages, no dropout),
 * on the backend that trained, `batch` images at a time.
 */
export async function evaluate(
  tf: Tfjs,
  model: tfjsModule.LayersModel,
  data: TrainData,
  split: 'val' | 'test',
  batch = EVAL_BATCH,
): Promise<{ loss: number; accuracy: number }> {
  const count = split === 'val' ? data.valCount : data.testCount
  const [h, w, c] = data.shape
  let loss = 0
  let correct = 0
  for (let start = 0; start < count; start += batch) {
    const m = Math.min(batch, count - start)
    const { x, y } = data.evalBatch(split, start, m)
    const [ce, hits] = tf.tidy(() => {
      const logits = model.apply(tf.tensor4d(x, [m, h, w, c]), { training: false }) as Tensor
      const labels = tf.tensor1d(y, 'int32')
      return [
        tf.losses.softmaxCrossEntropy(
          tf.oneHot(labels, data.classes),
          logits,
          undefined,
          undefined,
          tf.Reduction.SUM,
        ),
        tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32')),
      ]
    })
    loss += (await ce.data())[0]
    correct += (await hits.data())[0]
    tf.dispose([ce, hits])
  }
  return { loss: loss / count, accuracy: correct / count }
}

async function getOptimizerState(optimizer: tfjsModule.Optimizer): Promise<NamedArray[]> {
  const named = await optimizer.getWeights()
  const out = await Promise.all(
    named.map(async ({ name, tensor }) => ({
      name,
      dtype: tensor.dtype === 'int32' ? ('int32' as const) : ('float32' as const),
      shape: tensor.shape.slice(),
      data: (await tensor.data()) as Float32Array | Int32Array,
    })),
  )
  // The iteration counter is a fresh scalar each call; the accumulators belong to the optimizer.
  named[0]?.tensor.dispose()
  return out
}

async function setOptimizerState(tf: Tfjs, optimizer: tfjsModule.Optimizer, arrays: NamedArray[]) {
  await optimizer.setWeights(
    arrays.map((a) => ({ name: a.name, tensor: tf.tensor(a.data, a.shape, a.dtype) })),
  )
}
