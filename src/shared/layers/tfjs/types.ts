import type * as tfjsModule from '@tensorflow/tfjs'
import type { Shape } from '../../tensor/shape'

/** The TF.js namespace, injected by the main process: src/shared never imports it at run time. */
export type Tfjs = typeof tfjsModule

/** A TF.js layer, or a function applying several layers to symbolic tensors. */
export type TfLayer =
  tfjsModule.layers.Layer | ((inputs: tfjsModule.SymbolicTensor[]) => tfjsModule.SymbolicTensor)

export interface TfjsBuildCtx {
  /** Unique name for the layer (the node id, sanitised); helper layers add a suffix to it. */
  name: string
  inputShapes: Shape[]
  outputShape: Shape
  /** Seed for this layer's initialisers, so a run's seed fixes its start. */
  seed: number
  /**
   * No trainable layer lies upstream: no gradient is needed for this layer's input (the first
   * convolution), so a layer may skip computing one.
   */
  inputIsConstant?: boolean
  /** Every weight is set right after building (a checkpoint): initialisers need not draw values. */
  weightsFollow?: boolean
}
