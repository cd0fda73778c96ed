import type * as tfjsModule from '@tensorflow/tfjs'
import { hwc } from '../tensor/shape'
import type { ActivationName, Padding, Pair } from './params'
import { resolvePads } from './spatial'
import { activationLayers, chain, explicitPaddingLayers } from './tfjs-helpers'
import type { Tfjs, TfjsBuildCtx, TfLayer } from './tfjs-types'

export const mutablePair = (p: Pair): [number, number] => [p[0], p[1]]

interface ConvWindowTfjs {
  kernelSize: Pair
  strides: Pair
  dilation: Pair
  padding: Padding
  activation: ActivationName
}

/** Explicit padding that is exactly what 'same' would add (LeNet's 5×5 with pad 2) is 'same'. */
function asSame(p: ConvWindowTfjs, ctx: TfjsBuildCtx): Padding {
  if (typeof p.padding === 'string') return p.padding
  const { h, w } = hwc(ctx.inputShapes[0])
  const same = resolvePads(
    { kernel: p.kernelSize, strides: p.strides, dilation: p.dilation, padding: 'same' },
    h,
    w,
  )
  const { top, bottom, left, right } = p.padding
  return same.rows.before === top &&
    same.rows.after === bottom &&
    same.cols.before === left &&
    same.cols.after === right
    ? 'same'
    : p.padding
}

/**
 * A convolution kind as TF.js layers: ZeroPadding2D first when the padding is explicit (and not
 * just 'same'), then the convolution (named after the node), then the activation when not linear.
 */
export function convToTfjs(
  tf: Tfjs,
  p: ConvWindowTfjs,
  ctx: TfjsBuildCtx,
  make: (padding: 'valid' | 'same') => tfjsModule.layers.Layer,
): TfLayer {
  const { pre, mode } = explicitPaddingLayers(tf, asSame(p, ctx), ctx.name)
  return chain(...pre, make(mode), ...activationLayers(tf, p.activation, `${ctx.name}__act`))
}

type Conv2DArgs = NonNullable<Parameters<Tfjs['layers']['conv2d']>[0]>
const inputConvClasses = new WeakMap<Tfjs, new (args: Conv2DArgs) => tfjsModule.layers.Layer>()

/**
 * tfjs-layers' Conv2D for a first convolution: unfused conv2d + bias add, whose registered
 * gradient computes the input's gradient only when it is needed. The fused op's custom gradient
 * always computes it, which for LeNet-5's first layer is a fifth of a training step thrown away.
 * Same weights, names and configuration as Conv2D.
 */
export function inputConv2d(tf: Tfjs, args: Conv2DArgs): tfjsModule.layers.Layer {
  let InputConv = inputConvClasses.get(tf)
  if (!InputConv) {
    const Base = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })).constructor as new (
      args: Conv2DArgs,
    ) => tfjsModule.layers.Layer
    InputConv = class InputConv2D extends Base {
      static className = 'Conv2D'
      override call(inputs: tfjsModule.Tensor | tfjsModule.Tensor[]): tfjsModule.Tensor {
        const c = this as unknown as {
          kernel: tfjsModule.LayerVariable
          bias: tfjsModule.LayerVariable | null
          strides: [number, number]
          padding: 'valid' | 'same'
          dilationRate: [number, number]
        }
        return tf.tidy(() => {
          const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tfjsModule.Tensor4D
          const y = tf.conv2d(
            x,
            c.kernel.read() as tfjsModule.Tensor4D,
            c.strides,
            c.padding,
            'NHWC',
            c.dilationRate,
          )
          return c.bias ? tf.add(y, c.bias.read()) : y
        })
      }
    }
    inputConvClasses.set(tf, InputConv)
  }
  return new InputConv(args)
}

type DepthwiseArgs = NonNullable<Parameters<Tfjs['layers']['depthwiseConv2d']>[0]>
const dilatedDepthwiseClasses = new WeakMap<Tfjs, new (args: DepthwiseArgs) => tfjsModule.layers.Layer>()

/**
 * tfjs-layers' DepthwiseConv2D ignores `dilationRate` (4.22: its call passes none, its output
 * shape leaves it out), silently computing an undilated convolution. This subclass applies it.
 * Its own class name, so that a stock TF.js refuses the saved model rather than misread it.
 */
export function dilatedDepthwiseConv2d(tf: Tfjs, args: DepthwiseArgs): tfjsModule.layers.Layer {
  let Dilated = dilatedDepthwiseClasses.get(tf)
  if (!Dilated) {
    const Base = Object.getPrototypeOf(tf.layers.depthwiseConv2d({ kernelSize: 1 })).constructor as new (
      args: DepthwiseArgs,
    ) => tfjsModule.layers.Layer
    type Fields = {
      depthwiseKernel: tfjsModule.LayerVariable
      bias: tfjsModule.LayerVariable | null
      strides: [number, number]
      padding: 'valid' | 'same'
      dilationRate: [number, number]
      kernelSize: [number, number]
      depthMultiplier: number
    }
    Dilated = class DilatedDepthwiseConv2D extends Base {
      static className = 'CnnStudioDilatedDepthwiseConv2D'
      override call(inputs: tfjsModule.Tensor | tfjsModule.Tensor[]): tfjsModule.Tensor {
        const c = this as unknown as Fields
        return tf.tidy(() => {
          const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tfjsModule.Tensor4D
          const kernel = c.depthwiseKernel.read() as tfjsModule.Tensor4D
          const y = tf.depthwiseConv2d(x, kernel, c.strides, c.padding, 'NHWC', c.dilationRate)
          return c.bias ? tf.add(y, c.bias.read()) : y
        })
      }
      override computeOutputShape(shape: tfjsModule.Shape | tfjsModule.Shape[]): tfjsModule.Shape {
        const c = this as unknown as Fields
        const s = (Array.isArray(shape[0]) ? shape[0] : shape) as tfjsModule.Shape
        const length = (n: number, k: number, stride: number, d: number) => {
          const extent = d * (k - 1) + 1
          return c.padding === 'same' ? Math.ceil(n / stride) : Math.ceil((n - extent + 1) / stride)
        }
        return [
          s[0],
          length(s[1]!, c.kernelSize[0], c.strides[0], c.dilationRate[0]),
          length(s[2]!, c.kernelSize[1], c.strides[1], c.dilationRate[1]),
          s[3]! * c.depthMultiplier,
        ]
      }
    }
    tf.serialization.registerClass(Dilated as never)
    dilatedDepthwiseClasses.set(tf, Dilated)
  }
  return new Dilated(args)
}
