import type * as tfjsModule from '@tensorflow/tfjs'
import type { Hyperparameters } from '../../shared/api/training'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { FUSED_ADAM, type FusedAdamAttrs } from '../tfjs/wasm-kernels/adam'

type Optimizer = tfjsModule.Optimizer
type Tensor = tfjsModule.Tensor
type Variable = tfjsModule.Variable
type Gradients = Parameters<tfjsModule.AdamOptimizer['applyGradients']>[0]

/** The AdamOptimizer fields TF.js declares private, which the fused step reads and updates. */
interface AdamState {
  learningRate: number
  beta1: number
  beta2: number
  epsilon: number
  accBeta1: Variable
  accBeta2: Variable
  accumulatedFirstMoment: { originalName: string; variable: Variable }[]
  accumulatedSecondMoment: { originalName: string; variable: Variable }[]
}

/**
 * Adam (TF.js's AdamOptimizer, whose state, checkpoints and configuration it keeps) whose step runs as
 * one fused kernel where the backend has one (wasm: FUSED_ADAM): the same update in one call and one
 * pass per variable, where TF.js's runs about ten kernels per variable. Elsewhere, or for gradients it
 * cannot take (missing, not float32), TF.js's own step.
 */
export function makeAdam(
  tf: Tfjs,
  learningRate: number,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon = 1e-7,
): Optimizer {
  class FusedAdam extends tf.AdamOptimizer {
    override applyGradients(variableGradients: Gradients): void {
      const named = Array.isArray(variableGradients)
        ? variableGradients.map((v) => [v.name, v.tensor] as const)
        : Object.entries(variableGradients)
      const values = named.map(([name]) => tf.engine().registeredVariables[name])
      const fusable =
        tf.getKernel(FUSED_ADAM, tf.getBackend()) !== undefined &&
        named.every(([, g], i) => g != null && g.dtype === 'float32' && values[i]?.dtype === 'float32')
      if (!fusable) return super.applyGradients(variableGradients)
      const state = this as unknown as AdamState
      tf.tidy(() => {
        const inputs: Record<string, Tensor> = {
          accBeta1: state.accBeta1,
          accBeta2: state.accBeta2,
        }
        named.forEach(([name, g], i) => {
          const w = values[i]
          // As TF.js: the moments are created at the first step, at the variable's position.
          state.accumulatedFirstMoment[i] ??= {
            originalName: `${name}/m`,
            variable: tf.tidy(() => tf.zerosLike(w).variable(false)),
          }
          state.accumulatedSecondMoment[i] ??= {
            originalName: `${name}/v`,
            variable: tf.tidy(() => tf.zerosLike(w).variable(false)),
          }
          inputs[`w${i}`] = w
          inputs[`g${i}`] = g
          inputs[`m${i}`] = state.accumulatedFirstMoment[i].variable
          inputs[`v${i}`] = state.accumulatedSecondMoment[i].variable
        })
        const attrs: FusedAdamAttrs = {
          count: named.length,
          learningRate: state.learningRate,
          beta1: state.beta1,
          beta2: state.beta2,
          epsilon: state.epsilon,
        }
        const out = tf.engine().runKernel(FUSED_ADAM, inputs, attrs as never) as unknown as Tensor[]
        named.forEach((_, i) => {
          values[i].assign(out[3 * i])
          state.accumulatedFirstMoment[i].variable.assign(out[3 * i + 1])
          state.accumulatedSecondMoment[i].variable.assign(out[3 * i + 2])
        })
        state.accBeta1.assign(out[3 * named.length])
        state.accBeta2.assign(out[3 * named.length + 1])
      })
      this.incrementIterations()
    }
  }
  return new FusedAdam(learningRate, beta1, beta2, epsilon)
}

/** The TF.js optimizer a run asks for. AdamW is Adam plus `decayWeights` after each step. */
export function makeOptimizer(tf: Tfjs, h: Hyperparameters): Optimizer {
  switch (h.optimizer) {
    case 'sgd':
      return h.momentum > 0
        ? tf.train.momentum(h.learningRate, h.momentum, h.nesterov)
        : tf.train.sgd(h.learningRate)
    case 'adam':
    case 'adamw':
      return makeAdam(tf, h.learningRate)
    case 'rmsprop':
      return tf.train.rmsprop(h.learningRate, 0.9, h.momentum, 1e-7)
  }
}

/** SGD caches its rate as a tensor (setLearningRate); Adam and RMSprop read the field each step. */
export function setLearningRate(optimizer: Optimizer, lr: number): void {
  const o = optimizer as Optimizer & { learningRate: number; setLearningRate?: (lr: number) => void }
  if (o.learningRate === lr) return
  if (o.setLearningRate) o.setLearningRate(lr)
  else o.learningRate = lr
}

/**
 * Decoupled weight decay (Loshchilov & Hutter): w ← w − lr·λ·w on kernels only, after the
 * optimizer's own step; biases and BatchNorm parameters are left alone, as is usual.
 */
export function decayWeights(tf: Tfjs, weights: tfjsModule.LayerVariable[], lr: number, decay: number): void {
  if (decay <= 0) return
  const factor = 1 - lr * decay
  tf.tidy(() => {
    for (const w of weights)
      if (w.trainable && w.shape.length > 1) w.write(tf.mul(w.read(), factor) as tfjsModule.Tensor)
  })
}
