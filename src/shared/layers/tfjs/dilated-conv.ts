import type * as tfjsModule from '@tensorflow/tfjs'
import { outputLength, samePads } from '../../tensor/conv-math'
import type { Tfjs } from './types'

type Tensor4D = tfjsModule.Tensor4D
type Pair = [number, number]

/**
 * A stride-1 dilated convolution as TensorFlow computes it (`with_space_to_batch`): the (padded)
 * input's dH×dW phases become a batch, an undilated 'valid' convolution runs on each, and the
 * results are interleaved back. TF.js has gradients for all three steps, where it has none for a
 * dilated Conv2D or depthwise convolution; the values are the same.
 */
export function atrous(
  tf: Tfjs,
  x: Tensor4D,
  kernelSize: Pair,
  dilation: Pair,
  padding: 'valid' | 'same',
  conv: (phases: Tensor4D) => Tensor4D,
): Tensor4D {
  const paddings: [Pair, Pair] = [
    [0, 0],
    [0, 0],
  ]
  const crops: [Pair, Pair] = [
    [0, 0],
    [0, 0],
  ]
  for (const axis of [0, 1] as const) {
    const n = x.shape[axis + 1]
    const pads =
      padding === 'same' ? samePads(n, kernelSize[axis], 1, dilation[axis]) : { before: 0, after: 0 }
    const padded = n + pads.before + pads.after
    // Rows (columns) added so the padded size divides by the dilation, cropped off again after.
    const extra = (dilation[axis] - (padded % dilation[axis])) % dilation[axis]
    paddings[axis] = [pads.before, pads.after + extra]
    crops[axis] = [0, extra]
  }
  return tf.tidy(() => {
    const phases = tf.spaceToBatchND(x, dilation, paddings) as Tensor4D
    return tf.batchToSpaceND(conv(phases), dilation, crops) as Tensor4D
  })
}

const isDilated = (d: Pair) => d[0] > 1 || d[1] > 1
const isUnitStride = (s: Pair) => s[0] === 1 && s[1] === 1

interface Window {
  kernelSize: Pair
  strides: Pair
  padding: 'valid' | 'same'
  dilationRate: Pair
}

/** A convolution op of a layer's weights: input, strides, padding, dilation. */
type WindowOp = (x: Tensor4D, strides: Pair, padding: 'valid' | 'same', dilation: Pair) => Tensor4D

/**
 * A convolution layer's output: `op` over its window, then its bias. A dilated stride-1 window
 * runs `op` undilated through `atrous`, which trains; otherwise `op` runs as the layer says (with
 * dilation only in the export's forward pass: dilation with strides is refused before a run).
 */
function windowCall(
  tf: Tfjs,
  inputs: tfjsModule.Tensor | tfjsModule.Tensor[],
  w: Window & { bias: tfjsModule.LayerVariable | null },
  op: WindowOp,
): tfjsModule.Tensor {
  return tf.tidy(() => {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as Tensor4D
    const y =
      isDilated(w.dilationRate) && isUnitStride(w.strides)
        ? atrous(tf, x, w.kernelSize, w.dilationRate, w.padding, (p) => op(p, [1, 1], 'valid', [1, 1]))
        : op(x, w.strides, w.padding, w.dilationRate)
    return w.bias ? tf.add(y, w.bias.read()) : y
  })
}

type LayerClass<A> = new (args: A) => tfjsModule.layers.Layer
const classes = new WeakMap<Tfjs, Map<string, LayerClass<never>>>()

/** One subclass per TF.js instance and kind (registering it once for deserialisation when asked). */
function cached<A>(tf: Tfjs, key: string, make: () => LayerClass<A>, register: boolean): LayerClass<A> {
  let byKey = classes.get(tf)
  if (!byKey) classes.set(tf, (byKey = new Map()))
  let C = byKey.get(key) as LayerClass<A> | undefined
  if (!C) {
    C = make()
    if (register) tf.serialization.registerClass(C as never)
    byKey.set(key, C as LayerClass<never>)
  }
  return C
}

const baseOf = <A>(layer: tfjsModule.layers.Layer) =>
  Object.getPrototypeOf(layer).constructor as LayerClass<A>

type Conv2DArgs = NonNullable<Parameters<Tfjs['layers']['conv2d']>[0]>
type ConvFields = Window & { kernel: tfjsModule.LayerVariable; bias: tfjsModule.LayerVariable | null }

/**
 * tfjs-layers' Conv2D computed unfused (conv2d, then the bias): for a dilated window through
 * `atrous`, so that it trains; for a first layer, so that the input's gradient, which nothing
 * needs, is never computed (the fused op's gradient always computes it: a fifth of a LeNet-5
 * step). Same weights, names and configuration as Conv2D, whose forward pass is the same, so a
 * saved model loads in any TF.js as a plain Conv2D.
 */
export function unfusedConv2d(tf: Tfjs, args: Conv2DArgs): tfjsModule.layers.Layer {
  const C = cached<Conv2DArgs>(
    tf,
    'Conv2D',
    () => {
      const Base = baseOf<Conv2DArgs>(tf.layers.conv2d({ filters: 1, kernelSize: 1 }))
      return class UnfusedConv2D extends Base {
        static className = 'Conv2D'
        override call(inputs: tfjsModule.Tensor | tfjsModule.Tensor[]): tfjsModule.Tensor {
          const c = this as unknown as ConvFields
          return windowCall(tf, inputs, c, (x, s, p, d) =>
            tf.conv2d(x, c.kernel.read() as Tensor4D, s, p, 'NHWC', d),
          )
        }
      }
    },
    false,
  )
  return new C(args)
}

type DepthwiseArgs = NonNullable<Parameters<Tfjs['layers']['depthwiseConv2d']>[0]>
type DepthwiseFields = Window & {
  depthwiseKernel: tfjsModule.LayerVariable
  bias: tfjsModule.LayerVariable | null
  depthMultiplier: number
}

/**
 * tfjs-layers' DepthwiseConv2D with its dilation applied: 4.22's ignores `dilationRate` (its call
 * passes none, its output shape leaves it out), silently computing an undilated convolution.
 * Its own class name, so that a stock TF.js refuses the saved model rather than misread it.
 */
export function dilatedDepthwiseConv2d(tf: Tfjs, args: DepthwiseArgs): tfjsModule.layers.Layer {
  const C = cached<DepthwiseArgs>(
    tf,
    'DepthwiseConv2D',
    () => {
      const Base = baseOf<DepthwiseArgs>(tf.layers.depthwiseConv2d({ kernelSize: 1 }))
      return class DilatedDepthwiseConv2D extends Base {
        static className = 'CnnStudioDilatedDepthwiseConv2D'
        override call(inputs: tfjsModule.Tensor | tfjsModule.Tensor[]): tfjsModule.Tensor {
          const c = this as unknown as DepthwiseFields
          return windowCall(tf, inputs, c, (x, s, p, d) =>
            tf.depthwiseConv2d(x, c.depthwiseKernel.read() as Tensor4D, s, p, 'NHWC', d),
          )
        }
        override computeOutputShape(shape: tfjsModule.Shape | tfjsModule.Shape[]): tfjsModule.Shape {
          const c = this as unknown as DepthwiseFields
          const s = (Array.isArray(shape[0]) ? shape[0] : shape) as tfjsModule.Shape
          const length = (n: number, k: number, stride: number, d: number) =>
            outputLength(
              n,
              k,
              stride,
              d,
              c.padding === 'same' ? samePads(n, k, stride, d) : { before: 0, after: 0 },
            )
          return [
            s[0],
            length(s[1]!, c.kernelSize[0], c.strides[0], c.dilationRate[0]),
            length(s[2]!, c.kernelSize[1], c.strides[1], c.dilationRate[1]),
            s[3]! * c.depthMultiplier,
          ]
        }
      }
    },
    true,
  )
  return new C(args)
}

type SeparableArgs = NonNullable<Parameters<Tfjs['layers']['separableConv2d']>[0]>
type SeparableFields = Window & {
  depthwiseKernel: tfjsModule.LayerVariable
  pointwiseKernel: tfjsModule.LayerVariable
  bias: tfjsModule.LayerVariable | null
}

/**
 * tfjs-layers' SeparableConv2D whose dilated depthwise step goes through `atrous`, so that it
 * trains. Same weights and forward pass as SeparableConv2D (saved as one).
 */
export function dilatedSeparableConv2d(tf: Tfjs, args: SeparableArgs): tfjsModule.layers.Layer {
  const C = cached<SeparableArgs>(
    tf,
    'SeparableConv2D',
    () => {
      const Base = baseOf<SeparableArgs>(tf.layers.separableConv2d({ filters: 1, kernelSize: 1 }))
      return class DilatedSeparableConv2D extends Base {
        static className = 'SeparableConv2D'
        override call(inputs: tfjsModule.Tensor | tfjsModule.Tensor[]): tfjsModule.Tensor {
          const c = this as unknown as SeparableFields
          return windowCall(tf, inputs, c, (x, s, p, d) =>
            tf.separableConv2d(
              x,
              c.depthwiseKernel.read() as Tensor4D,
              c.pointwiseKernel.read() as Tensor4D,
              s,
              p,
              d,
              'NHWC',
            ),
          )
        }
      }
    },
    false,
  )
  return new C(args)
}
