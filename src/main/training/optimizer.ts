import type * as tfjsModule from '@tensorflow/tfjs'
import type { Hyperparameters } from '../../shared/api/training'
import type { Tfjs } from '../../shared/layers/tfjs-types'

type Optimizer = tfjsModule.Optimizer

/** The TF.js optimizer a run asks for. AdamW is Adam plus `decayWeights` after each step. */
export function makeOptimizer(tf: Tfjs, h: Hyperparameters): Optimizer {
  switch (h.optimizer) {
    case 'sgd':
      return h.momentum > 0
        ? tf.train.momentum(h.learningRate, h.momentum, h.nesterov)
        : tf.train.sgd(h.learningRate)
    case 'adam':
    case 'adamw':
      return tf.train.adam(h.learningRate, 0.9, 0.999, 1e-7)
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
