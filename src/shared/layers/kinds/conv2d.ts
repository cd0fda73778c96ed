import { z } from 'zod'
import { hwc } from '../../tensor/shape'
import { defineLayer } from '../define-layer'
import { convFormula, convShape, convSummary, convWindowFields } from '../families/conv'
import { activation, posInt } from '../params'
import { convToTfjs, mutablePair } from '../tfjs/conv'
import { unfusedConv2d } from '../tfjs/dilated-conv'
import { kernelInit } from '../tfjs/helpers'
import { convToOnnx } from '../onnx/conv'
import { convToTorch } from '../torch/conv'

const params = z.strictObject({
  filters: posInt().default(32).meta({ description: 'Number of output channels' }),
  ...convWindowFields(),
  useBias: z.boolean().default(true).meta({ description: 'Off when a BatchNorm follows' }),
  activation: activation('linear'),
})

export const conv2d = defineLayer({
  kind: 'Conv2D',
  palette: {
    label: 'Conv2D',
    category: 'convolution',
    doc: 'A 2-D convolution: each of `filters` kernels slides over the input and sums over all input channels. From the palette it comes with ReLU, so stacked convolutions learn; set linear before a BatchNorm.',
    preset: { activation: 'relu' },
    summary: (p) => convSummary(String(p.filters), p),
  },
  params,
  arity: { min: 1, max: 1 },
  inferShape: (p, [x]) => convShape('Conv2D', p, x, () => p.filters),
  outputFormula: (p, [x]) => convFormula(p, x),
  paramCount(p, [x]) {
    const c = hwc(x).c
    return {
      trainable: p.kernelSize[0] * p.kernelSize[1] * c * p.filters + (p.useBias ? p.filters : 0),
      nonTrainable: 0,
    }
  },
  macs(p, [x], out) {
    const { h, w } = hwc(out)
    return h * w * p.filters * p.kernelSize[0] * p.kernelSize[1] * hwc(x).c
  },
  toTfjs: (tf, p, ctx) =>
    convToTfjs(tf, p, ctx, (padding) => {
      const args = {
        name: ctx.name,
        filters: p.filters,
        kernelSize: mutablePair(p.kernelSize),
        strides: mutablePair(p.strides),
        dilationRate: mutablePair(p.dilation),
        padding,
        useBias: p.useBias,
        kernelInitializer: kernelInit(tf, ctx),
      }
      // Unfused for a first layer (no input gradient) and for dilation (which then trains).
      const dilated = p.dilation[0] > 1 || p.dilation[1] > 1
      return ctx.inputIsConstant || dilated ? unfusedConv2d(tf, args) : tf.layers.conv2d(args)
    }),
  toOnnx: (p, ctx) => convToOnnx('conv', p, ctx),
  toTorch: (p, ctx) => convToTorch('conv', p, ctx),
})
