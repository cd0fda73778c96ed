import { z } from 'zod'
import { hwc } from '../../tensor/shape'
import { defineLayer } from '../define-layer'
import { convFormula, convShape, convSummary, convWindowFields } from '../families/conv'
import { activation, posInt } from '../params'
import { convToTfjs, mutablePair } from '../tfjs/conv'
import { dilatedSeparableConv2d } from '../tfjs/dilated-conv'
import { kernelInit } from '../tfjs/helpers'
import { convToOnnx } from '../onnx/conv'
import { convToTorch } from '../torch/conv'

const params = z.strictObject({
  filters: posInt().default(32).meta({ description: 'Output channels of the pointwise (1×1) convolution' }),
  ...convWindowFields(),
  depthMultiplier: posInt().default(1).meta({ description: 'Depthwise channels per input channel' }),
  useBias: z.boolean().default(true).meta({ description: 'Bias on the pointwise convolution (as Keras)' }),
  activation: activation('linear'),
})

export const separableConv2d = defineLayer({
  kind: 'SeparableConv2D',
  palette: {
    label: 'SeparableConv2D',
    category: 'convolution',
    doc: 'A depthwise convolution followed by a 1×1 pointwise convolution, in one layer (Keras SeparableConv2D): far fewer weights and MACs than a full Conv2D.',
    summary: (p) => convSummary(String(p.filters), p),
  },
  params,
  arity: { min: 1, max: 1 },
  inferShape: (p, [x]) => convShape('SeparableConv2D', p, x, () => p.filters),
  outputFormula: (p, [x]) => convFormula(p, x),
  paramCount(p, [x]) {
    const mid = hwc(x).c * p.depthMultiplier
    const depthwise = p.kernelSize[0] * p.kernelSize[1] * mid
    return { trainable: depthwise + mid * p.filters + (p.useBias ? p.filters : 0), nonTrainable: 0 }
  },
  macs(p, [x], out) {
    const { h, w } = hwc(out)
    const mid = hwc(x).c * p.depthMultiplier
    return h * w * mid * (p.kernelSize[0] * p.kernelSize[1] + p.filters)
  },
  toTfjs: (tf, p, ctx) =>
    convToTfjs(tf, p, ctx, (padding) => {
      const args = {
        name: ctx.name,
        filters: p.filters,
        depthMultiplier: p.depthMultiplier,
        kernelSize: mutablePair(p.kernelSize),
        strides: mutablePair(p.strides),
        dilationRate: mutablePair(p.dilation),
        padding,
        useBias: p.useBias,
        depthwiseInitializer: kernelInit(tf, ctx),
        pointwiseInitializer: kernelInit(tf, { ...ctx, seed: ctx.seed + 1 }),
      }
      const dilated = p.dilation[0] > 1 || p.dilation[1] > 1
      return dilated ? dilatedSeparableConv2d(tf, args) : tf.layers.separableConv2d(args)
    }),
  toOnnx: (p, ctx) => convToOnnx('separable', p, ctx),
  toTorch: (p, ctx) => convToTorch('separable', p, ctx),
})
