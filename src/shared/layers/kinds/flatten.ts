import { z } from 'zod'
import { elementsPerSample } from '../../tensor/shape'
import { defineLayer, noMacs, noParams, ok } from '../define-layer'
import { onnxFragment, singleNode } from '../onnx/helpers'
import { expression } from '../torch/helpers'

export const flatten = defineLayer({
  kind: 'Flatten',
  palette: {
    label: 'Flatten',
    category: 'reshape',
    doc: 'Unrolls a height×width×channels map into one vector, in NHWC order (channels fastest), as TensorFlow does. A flat input passes unchanged.',
    summary: () => 'to vector',
  },
  params: z.strictObject({}),
  arity: { min: 1, max: 1 },
  inferShape: (_p, [x]) => ok([null, elementsPerSample(x)]),
  outputFormula: (_p, [x]) =>
    x.length > 2
      ? {
          rule: 'out = height·width·channels',
          lines: [`out = ${x.slice(1).join('·')} = ${elementsPerSample(x)}`],
        }
      : { rule: 'out = in (a flat input passes unchanged)', lines: [`out = ${elementsPerSample(x)}`] },
  paramCount: noParams,
  macs: noMacs,
  // TF.js's Flatten refuses a flat input (it wants 3 dimensions or more): that one passes as is.
  toTfjs: (tf, _p, ctx) =>
    ctx.inputShapes[0].length > 2
      ? tf.layers.flatten({ name: ctx.name })
      : tf.layers.activation({ name: ctx.name, activation: 'linear' }),
  // TF.js flattens NHWC: transpose back first so that the next Dense's weights stay valid.
  toOnnx(_p, ctx) {
    if (ctx.inputShapes[0].length !== 4) return singleNode(ctx, 'Flatten', { axis: 1 })
    const f = onnxFragment(ctx)
    const nhwc = f.node('Transpose', ctx.inputs, f.tensor('nhwc'), { perm: [0, 2, 3, 1] })
    f.node('Flatten', [nhwc], ctx.output, { axis: 1 })
    return f.done()
  },
  // NCHW back to NHWC first, so that elements come in TF.js's order (Dense weights stay valid).
  toTorch: (_p, ctx) =>
    expression(
      ctx.inputShapes[0].length === 4
        ? `torch.flatten(${ctx.inputs[0]}.permute(0, 2, 3, 1), 1)`
        : ctx.inputs[0],
    ),
})
