import type * as tfjsModule from '@tensorflow/tfjs'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { rand } from '../tfjs/test-kit'

/**
 * Sets every weight of a model to seeded values in [−1, 1), moving variances to 0.5…1.5 (positive),
 * so that no BatchNorm is the identity it starts as and no layer is left at its initialiser.
 */
export function randomiseWeights(tf: Tfjs, model: tfjsModule.LayersModel, seed: number) {
  const tensors = model.weights.map((w, i) => {
    const shape = w.shape as number[]
    const r = rand(
      shape.reduce((a, b) => a * b, 1),
      seed + i,
    )
    const values = w.originalName.endsWith('moving_variance') ? r.map((v) => 0.5 + Math.abs(v)) : r
    return tf.tensor(values, shape)
  })
  model.setWeights(tensors)
  tf.dispose(tensors)
}
