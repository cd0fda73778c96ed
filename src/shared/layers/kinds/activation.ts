import { z } from 'zod'
import { defineLayer, noMacs, noParams, ok } from '../define-layer'
import { ACTIVATIONS } from '../params'
import { activationLayers } from '../tfjs/helpers'
import { emitActivation, onnxFragment } from '../onnx/helpers'
import { activationModule, applied } from '../torch/helpers'

export const activationLayer = defineLayer({
  kind: 'Activation',
  palette: {
    label: 'Activation',
    category: 'activation',
    doc: 'An element-wise non-linearity: relu, relu6 (min(max(x, 0), 6)), leaky relu (slope alpha below 0), elu, tanh, sigmoid, swish (x·sigmoid(x)) or softmax over the last axis.',
    summary: (p) => (p.fn === 'leakyRelu' ? `leakyRelu ${p.alpha}` : p.fn),
  },
  params: z.strictObject({
    fn: z
      .enum(ACTIVATIONS)
      .exclude(['linear'])
      .default('relu')
      .meta({ description: 'The function applied to every value' }),
    alpha: z
      .number()
      .min(0)
      .default(0.2)
      .meta({ description: 'Slope below zero for leakyRelu; ignored otherwise' }),
  }),
  arity: { min: 1, max: 1 },
  inferShape: (_p, [x]) => ok(x),
  paramCount: noParams,
  macs: noMacs,
  toTfjs: (tf, p, ctx) => activationLayers(tf, p.fn, ctx.name, p.alpha)[0],
  toOnnx(p, ctx) {
    const f = onnxFragment(ctx)
    emitActivation(f, p.fn, ctx.inputs[0], ctx.output, p.alpha)
    return f.done()
  },
  toTorch: (p, ctx) => applied(activationModule(p.fn, p.alpha), ctx.self, ctx.inputs[0]),
})
