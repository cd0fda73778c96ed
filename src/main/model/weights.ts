import type * as tfjsModule from '@tensorflow/tfjs'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import type { NamedArray } from './checkpoint'

/**
 * A model's weights (trainable and not), in the model's order, as named float32 arrays. Read
 * asynchronously: a GPU backend (webgpu) cannot read synchronously in Node.
 */
export async function getWeights(model: tfjsModule.LayersModel): Promise<NamedArray[]> {
  return Promise.all(
    model.weights.map(async (w) => {
      const t = w.read()
      return {
        name: w.name,
        dtype: 'float32' as const,
        shape: t.shape.slice(),
        data: (await t.data()) as Float32Array,
      }
    }),
  )
}

/**
 * Sets every weight of `model` from `arrays` (a checkpoint's, in the model's order); throws when their
 * number or a shape differs (the graph changed since they were saved).
 */
export function setWeights(tf: Tfjs, model: tfjsModule.LayersModel, arrays: NamedArray[]): void {
  const weights = model.weights
  if (arrays.length !== weights.length)
    throw new Error(
      `The checkpoint holds ${arrays.length} weight tensors; this graph has ${weights.length}. Was the graph changed?`,
    )
  tf.tidy(() => {
    weights.forEach((w, i) => {
      const a = arrays[i]
      if (a.shape.join('x') !== w.shape.join('x'))
        throw new Error(
          `Checkpoint tensor ${a.name} is ${a.shape.join('×')}, the graph's ${w.name} is ${w.shape.join('×')}.`,
        )
      w.write(tf.tensor(a.data, a.shape, a.dtype))
    })
  })
}
