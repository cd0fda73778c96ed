import { z } from 'zod'
import { defineLayer, noMacs, noParams, ok } from '../define-layer'
import { singleNode } from '../onnx/helpers'
import { applied } from '../torch/helpers'

export const dropout = defineLayer({
  kind: 'Dropout',
  palette: {
    label: 'Dropout',
    category: 'normalization',
    doc: 'During training, zeroes each value with probability `rate` and scales the rest by 1/(1 − rate); at inference it is the identity.',
    summary: (p) => `rate ${p.rate}`,
  },
  params: z.strictObject({
    rate: z
      .number()
      .min(0)
      .lt(1)
      .default(0.5)
      .meta({ description: 'Fraction of values dropped while training (0 ≤ rate < 1)' }),
  }),
  arity: { min: 1, max: 1 },
  inferShape: (_p, [x]) => ok(x),
  paramCount: noParams,
  macs: noMacs,
  // No seed: TF.js reuses a seeded dropout mask on every call, which would drop the same units.
  toTfjs: (tf, p, ctx) => tf.layers.dropout({ name: ctx.name, rate: p.rate }),
  // Identity at inference, as in TF.js's predict.
  toOnnx: (_p, ctx) => singleNode(ctx, 'Identity'),
  toTorch: (p, ctx) =>
    applied({ type: 'nn.Dropout', args: [{ keyword: 'p', value: p.rate }] }, ctx.self, ctx.inputs[0]),
})
