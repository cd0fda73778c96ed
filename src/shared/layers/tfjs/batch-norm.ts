import type * as tfjs from '@tensorflow/tfjs'
import type { Tfjs as Tf } from './types'

type Tensor = tfjs.Tensor

/** Batch mean and (biased) variance of one training step, for the moving averages. */
export interface BatchStats {
  mean: tfjs.Tensor
  variance: tfjs.Tensor
}

/**
 * Training-mode batch normalisation over every axis but the last, as one differentiable op with a
 * hand-written gradient: y = γ·(x − μ)/√(σ² + ε) + β with μ, σ² the batch statistics, and
 *   dx = γ/√(σ² + ε) · (dy − mean(dy) − x̂ · mean(dy · x̂)),  dγ = Σ dy · x̂,  dβ = Σ dy.
 *
 * Why: TF.js differentiates tfjs-layers' BatchNormalization through its composite ops (cast, sub,
 * square, mean, batchNorm), keeping every intermediate and its gradient alive until the whole backward
 * pass ends: about 9 activation-sized tensors per BatchNorm layer, two thirds of the training heap
 * of a conv-BN-ReLU network on wasm. This op keeps x and its gradient (plus the output the next
 * layer keeps anyway). Works on every backend.
 *
 * The batch statistics are handed to `onStats` as kept tensors (not differentiated): the caller
 * disposes them.
 */
export function batchNormTraining(
  tf: Tf,
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  epsilon: number,
  onStats?: (stats: BatchStats) => void,
): Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i)
  const op = tf.customGrad((...args: (Tensor | tfjs.GradSaveFunc)[]) => {
    const [input, g, b] = args as [Tensor, Tensor, Tensor]
    const save = args[3] as tfjs.GradSaveFunc
    const { mean, variance } = tf.moments(input, axes)
    const invStd = tf.rsqrt(tf.add(variance, epsilon))
    const y = tf.batchNorm(input, mean, variance, b, g, epsilon)
    save([input, mean, invStd, g])
    onStats?.({ mean: tf.keep(mean), variance: tf.keep(variance) })
    return {
      value: y,
      // In a tidy: TF.js runs a custom gradient outside any, and would keep its temporaries (four
      // activation-sized tensors) alive until the whole backward pass ends.
      gradFunc: (dy: Tensor, saved: Tensor[]) =>
        tf.tidy(() => {
          const [xs, mu, inv, gm] = saved
          const xhat = tf.mul(tf.sub(xs, mu), inv)
          const dBeta = tf.sum(dy, axes)
          const dGamma = tf.sum(tf.mul(dy, xhat), axes)
          const n = xs.size / xs.shape[xs.rank - 1]
          const centred = tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(xhat, tf.div(dGamma, n)))
          return [tf.mul(centred, tf.mul(gm, inv)), dGamma, dBeta]
        }),
    }
  })
  return op(x, gamma, beta)
}

/** The fields of tfjs-layers' BatchNormalization this layer uses (private in its typings). */
interface BatchNormFields {
  axis: number
  momentum: number
  epsilon: number
  gamma?: tfjs.LayerVariable
  beta?: tfjs.LayerVariable
  movingMean: tfjs.LayerVariable
  movingVariance: tfjs.LayerVariable
}

type BatchNormArgs = NonNullable<Parameters<typeof tfjs.layers.batchNormalization>[0]>
type LayerClass = new (args?: BatchNormArgs) => tfjs.layers.Layer
const classes = new WeakMap<Tf, LayerClass>()

/**
 * tfjs-layers' BatchNormalization with its training pass on `batchNormTraining` (for the last axis,
 * the only one CNN Studio normalises): the same weights, names, configuration, serialisation
 * (className 'BatchNormalization'), inference and moving-average updates, in a third of the memory.
 * Also trains with `center: false` or `scale: false`, on which tfjs-layers 4.22's own layer throws
 * ("Cannot read properties of undefined (reading 'read')").
 */
export function leanBatchNormalization(tf: Tf, args: BatchNormArgs = {}) {
  let Lean = classes.get(tf)
  if (!Lean) {
    const Base = Object.getPrototypeOf(tf.layers.batchNormalization({})).constructor as LayerClass
    Lean = class LeanBatchNormalization extends Base {
      static className = 'BatchNormalization'
      override call(inputs: Tensor | Tensor[], kwargs: { training?: boolean }): Tensor | Tensor[] {
        const x = Array.isArray(inputs) ? inputs[0] : inputs
        const bn = this as unknown as BatchNormFields
        const axis = bn.axis < 0 ? bn.axis + x.rank : bn.axis
        if (!kwargs?.training || axis !== x.rank - 1) return super.call(inputs, kwargs)
        return tf.tidy(() => {
          const channels = x.shape[axis]
          const gamma = bn.gamma ? bn.gamma.read() : tf.ones([channels])
          const beta = bn.beta ? bn.beta.read() : tf.zeros([channels])
          let stats: BatchStats | undefined
          const y = batchNormTraining(tf, x, gamma, beta, bn.epsilon, (s) => (stats = s))
          const average = (v: tfjs.LayerVariable, value: Tensor) =>
            tf.tidy(() => {
              const old = v.read()
              v.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - bn.momentum)))
            })
          average(bn.movingMean, stats!.mean)
          average(bn.movingVariance, stats!.variance)
          tf.dispose([stats!.mean, stats!.variance])
          return y
        })
      }
    }
    classes.set(tf, Lean)
  }
  return new Lean(args)
}
