import { z } from 'zod'
import { hwc } from '../../tensor/shape'
import { defineLayer } from '../define-layer'
import { convFormula, convShape, convSummary, convWindowFields } from '../families/conv'
import { activation, posInt } from '../params'
import { convToTfjs, mutablePair } from '../tfjs/conv'
import { dilatedDepthwiseConv2d } from '../tfjs/dilated-conv'
import { kernelInit } from '../tfjs/helpers'
import { convToOnnx } from '../onnx/conv'
import { convToTorch } from '../torch/conv'

const params = z.strictObject({
  depthMultiplier: posInt().default(1).meta({ description: 'Output channels per input channel' }),
  ...convWindowFields(),
  useBias: z.boolean().default(true).meta({ description: 'Off when a BatchNorm follows' }),
  activation: activation('linear'),
})

export const depthwiseConv2d = defineLayer({
  kind: 'DepthwiseConv2D',
  palette: {
    label: 'DepthwiseConv2D',
    category: 'convolution',
    doc: 'Convolves each input channel with its own kernels (depthMultiplier per channel) without mixing channels: the spatial half of a MobileNet separable convolution.',
    summary: (p) => convSummary(`×${p.depthMultiplier}`, p),
  },
  params,
  arity: { min: 1, max: 1 },
  inferShape: (p, [x]) => convShape('DepthwiseConv2D', p, x, (c) => c * p.depthMultiplier),
  outputFormula: (p, [x]) => convFormula(p, x),
  paramCount(p, [x]) {
    const outC = hwc(x).c * p.depthMultiplier
    return { trainable: p.kernelSize[0] * p.kernelSize[1] * outC + (p.useBias ? outC : 0), nonTrainable: 0 }
  },
  macs(p, _inputs, out) {
    const { h, w, c } = hwc(out)
    return h * w * c * p.kernelSize[0] * p.kernelSize[1]
  },
  toTfjs: (tf, p, ctx) =>
    convToTfjs(tf, p, ctx, (padding) => {
      const args = {
        name: ctx.name,
        depthMultiplier: p.depthMultiplier,
        kernelSize: mutablePair(p.kernelSize),
        strides: mutablePair(p.strides),
        dilationRate: mutablePair(p.dilation),
        padding,
        useBias: p.useBias,
        depthwiseInitializer: kernelInit(tf, ctx),
      }
      const dilated = p.dilation[0] > 1 || p.dilation[1] > 1
      return dilated ? dilatedDepthwiseConv2d(tf, args) : tf.layers.depthwiseConv2d(args)
    }),
  toOnnx: (p, ctx) => convToOnnx('depthwise', p, ctx),
  toTorch: (p, ctx) => convToTorch('depthwise', p, ctx),
})
