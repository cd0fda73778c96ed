import { z } from 'zod'
import { defineLayer, noMacs, ok } from '../define-layer'
import { leanBatchNormalization } from '../tfjs-batch-norm'

export const batchNorm = defineLayer({
  kind: 'BatchNorm',
  palette: {
    label: 'BatchNorm',
    category: 'normalization',
    doc: 'Normalises each channel with the batch mean and variance while training and with moving averages at inference, then scales (γ) and shifts (β). Momentum follows Keras: moving = moving·momentum + batch·(1 − momentum), so PyTorch’s momentum 0.1 is 0.9 here.',
    summary: (p) => `ε ${p.epsilon}`,
  },
  params: z.strictObject({
    epsilon: z
      .number()
      .gt(0)
      .default(0.001)
      .meta({ description: 'Added to the variance to avoid division by zero' }),
    momentum: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.99)
      .meta({ description: 'Moving-average momentum (Keras convention; PyTorch 0.1 = 0.9)' }),
    center: z.boolean().default(true).meta({ description: 'Learn a shift β per channel' }),
    scale: z.boolean().default(true).meta({ description: 'Learn a scale γ per channel' }),
  }),
  arity: { min: 1, max: 1 },
  inferShape: (_p, [x]) => ok(x),
  // Keras: γ and β are trainable, the moving mean and variance are not.
  paramCount(p, [x]) {
    const c = x[x.length - 1] as number
    return { trainable: (p.center ? c : 0) + (p.scale ? c : 0), nonTrainable: 2 * c }
  },
  macs: noMacs,
  // tfjs-layers' BatchNormalization with a leaner training pass (a third of the memory), which also
  // trains with center or scale off, where tfjs-layers 4.22's own throws.
  toTfjs: (tf, p, ctx) =>
    leanBatchNormalization(tf, {
      name: ctx.name,
      axis: -1,
      epsilon: p.epsilon,
      momentum: p.momentum,
      center: p.center,
      scale: p.scale,
    }),
})
