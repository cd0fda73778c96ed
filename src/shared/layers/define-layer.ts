import type { z } from 'zod'
import type { Shape } from '../tensor/shape'
import type { Category } from './categories'
import type { LayerError, ShapeResult } from './errors'
import type { OnnxCtx, OnnxFragment } from './onnx/types'
import type { OutputFormula } from './output-formula'
import type { TorchCtx, TorchFragment } from './torch/types'
import type { TfjsBuildCtx, Tfjs, TfLayer } from './tfjs/types'

export interface ParamCount {
  trainable: number
  nonTrainable: number
}

export interface Palette<P> {
  label: string
  category: Category
  /** A sentence or two for the palette tooltip and the inspector. */
  doc: string
  /** The key parameters in a few characters for the node card, e.g. `64 · 3×3 /2 · same`. */
  summary(p: P): string
  /**
   * Parameters a node dropped from the palette starts with, over the schema's defaults (a Conv2D
   * with ReLU, so a network built by hand learns). Templates and documents keep the defaults.
   */
  preset?: Partial<P>
}

/**
 * Everything about one layer kind. Shapes are NHWC with a null batch. `inferShape` returns an error
 * value instead of throwing; `paramCount` and `macs` are only called after `inferShape` succeeded.
 */
export interface LayerSpec<K extends string = string, S extends z.ZodType = z.ZodType> {
  kind: K
  palette: Palette<z.output<S>>
  /** Parameters with defaults and validation; `.meta({ description })` carries form hints. */
  params: S
  /** Bounds on the number of inputs; `inputCount` gives the exact number for given params. */
  arity: { min: number; max: number }
  inputCount(p: z.output<S>): number
  inferShape(p: z.output<S>, inputs: Shape[]): ShapeResult<Shape>
  /**
   * How the output size follows from the input, with these numbers (the editor shows it over the
   * output shape); kinds whose size comes from no window or rule worth showing (Dense, activations)
   * leave it out. Null where `inferShape` would refuse the inputs.
   */
  outputFormula?(p: z.output<S>, inputs: Shape[]): OutputFormula | null
  paramCount(p: z.output<S>, inputs: Shape[], out: Shape): ParamCount
  /** Multiply-accumulates for one sample; convention in docs/counting.md. */
  macs(p: z.output<S>, inputs: Shape[], out: Shape): number
  /** The TF.js layer (main/model/build-model.ts); only Input has none (build-model calls `tf.input`). */
  toTfjs?(tf: Tfjs, p: z.output<S>, ctx: TfjsBuildCtx): TfLayer
  /** The ONNX nodes and initializers (export/onnx/emit-graph.ts), in NCHW. */
  toOnnx(p: z.output<S>, ctx: OnnxCtx): OnnxFragment
  /**
   * The PyTorch code (main/pytorch/model-py.ts), in NCHW: the submodule, the forward expression and
   * where each TF.js weight goes in the state dict.
   */
  toTorch(p: z.output<S>, ctx: TorchCtx): TorchFragment
}

type SpecInput<K extends string, S extends z.ZodType> = Omit<LayerSpec<K, S>, 'inputCount'> &
  Partial<Pick<LayerSpec<K, S>, 'inputCount'>>

/** Declares a kind; the identity at run time, it exists for inference of P from the schema. */
export function defineLayer<K extends string, S extends z.ZodType>(spec: SpecInput<K, S>): LayerSpec<K, S> {
  const fixed = spec.arity.min
  return { inputCount: () => fixed, ...spec }
}

/**
 * Whether the number of inputs is the user's choice (an `inputs` parameter, as Add's and Concat's):
 * the wiring messages then offer to change it (graph/structure.ts).
 */
export const isVariadic = (spec: Pick<LayerSpec, 'arity'>): boolean => spec.arity.max > spec.arity.min

export const ok = (shape: Shape): ShapeResult<Shape> => ({ shape })
export const fail = (error: LayerError): ShapeResult<Shape> => ({ error })
export const noParams = (): ParamCount => ({ trainable: 0, nonTrainable: 0 })
export const noMacs = (): number => 0
