import { z } from 'zod'
import { defineLayer, fail, noMacs, noParams, ok } from '../define-layer'
import { expect2d } from '../inputs'
import { singleNode } from '../onnx/helpers'
import { expression } from '../torch/helpers'

export const output = defineLayer({
  kind: 'Output',
  palette: {
    label: 'Output',
    category: 'output',
    doc: 'The loss head: softmax over N classes with cross-entropy loss while training. Feed it logits: a Dense with N units and no activation.',
    summary: (p) => `${p.classes} classes`,
  },
  params: z.strictObject({
    classes: z.int().min(2).default(10).meta({ description: 'Number of classes the network predicts' }),
  }),
  arity: { min: 1, max: 1 },
  inferShape(p, [x]) {
    const bad = expect2d('Output', x)
    if (bad) return fail(bad)
    const n = x[1] as number
    if (n !== p.classes)
      return fail({
        message: `Output expects ${p.classes} classes, but its input has ${n} features. Set the Dense before it to ${p.classes} units, or set classes to ${n}.`,
        param: 'classes',
        port: 0,
        fix: { type: 'setParam', label: `Set classes to ${n}`, param: 'classes', value: n },
      })
    return ok([null, p.classes])
  },
  paramCount: noParams,
  macs: noMacs,
  // The model's output is the logits; the loss applies softmax cross-entropy to them and
  // prediction a softmax, so this layer only names the output.
  toTfjs: (tf, _p, ctx) => tf.layers.activation({ name: ctx.name, activation: 'linear' }),
  // The graph's `logits` output; the exporter adds `probabilities` (a softmax) beside it.
  toOnnx: (_p, ctx) => singleNode(ctx, 'Identity'),
  // forward returns the logits.
  toTorch: (_p, ctx) => expression(ctx.inputs[0]),
})
