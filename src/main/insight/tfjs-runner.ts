import type * as tfjsModule from '@tensorflow/tfjs'
import type { GraphDocument } from '../../shared/graph/document'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { buildModel, type BuiltModel } from '../model/build-model'
import type { NamedArray } from '../model/checkpoint'
import { setWeights } from '../model/weights'

/** A run's model as TF.js builds it. */
export interface TfjsModelSource {
  key: string
  document: GraphDocument
  /** The checkpoint's arrays, in TF.js model order. */
  weights: NamedArray[]
}

/**
 * TF.js for what onnxruntime cannot do: gradients (attribution) and models onnxruntime cannot run.
 * One built model per run, kept while the run is loaded.
 */
export interface TfjsRunner {
  tf: Tfjs
  model(source: TfjsModelSource): BuiltModel
  logits(source: TfjsModelSource, x: Float32Array, n: number): Promise<Float32Array>
  /** Every node's output that feeds the Output, for one sample (NHWC, without the batch axis). */
  activations(source: TfjsModelSource, x: Float32Array): Promise<Map<string, Float32Array>>
  /** Disposes the run's model. */
  forget(key: string): void
}

export function createTfjsRunner(tf: Tfjs): TfjsRunner {
  const built = new Map<string, BuiltModel>()
  const model = (s: TfjsModelSource) => {
    let b = built.get(s.key)
    if (!b) {
      b = buildModel(tf, s.document, { purpose: 'export', weightsFollow: true })
      setWeights(tf, b.model, s.weights)
      built.set(s.key, b)
    }
    return b
  }
  const shapeOf = (b: BuiltModel, n: number) => {
    const { height, width, channels } = b.input
    return [n, height, width, channels] as [number, number, number, number]
  }
  return {
    tf,
    model,
    async logits(s, x, n) {
      const b = model(s)
      const out = tf.tidy(() => b.model.predict(tf.tensor4d(x, shapeOf(b, n))) as tfjsModule.Tensor)
      try {
        return (await out.data()) as Float32Array
      } finally {
        out.dispose()
      }
    },
    async activations(s, x) {
      const b = model(s)
      const ids = [...b.tensors.keys()].filter((id) => id !== b.inputId)
      const probe = tf.model({ inputs: b.model.inputs, outputs: ids.map((id) => b.tensors.get(id)!) })
      const outs = tf.tidy(() => probe.predict(tf.tensor4d(x, shapeOf(b, 1))) as tfjsModule.Tensor[])
      const maps = new Map<string, Float32Array>([[b.inputId, x]])
      try {
        for (const [i, id] of ids.entries()) maps.set(id, (await outs[i].data()) as Float32Array)
      } finally {
        tf.dispose(outs)
      }
      return maps
    },
    forget(key) {
      built.get(key)?.model.dispose()
      built.delete(key)
    },
  }
}
