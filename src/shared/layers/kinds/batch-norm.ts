import { z } from 'zod'
import { defineLayer, noMacs, ok } from '../define-layer'
import { leanBatchNormalization } from '../tfjs/batch-norm'
import { expectWeights, onnxFragment } from '../onnx/helpers'
import { float } from '../onnx/types'
import type { TorchParam } from '../torch/types'

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
  // Inference form: the moving statistics; γ = 1 and β = 0 when scale or center is off.
  toOnnx(p, ctx) {
    const f = onnxFragment(ctx)
    const c = ctx.inputShapes[0][ctx.inputShapes[0].length - 1] as number
    const names = [
      ...(p.scale ? ['gamma'] : []),
      ...(p.center ? ['beta'] : []),
      'moving mean',
      'moving variance',
    ]
    const w = [...expectWeights(ctx, names.length, names.join(', '))]
    const gamma = p.scale ? w.shift()! : new Float32Array(c).fill(1)
    const beta = p.center ? w.shift()! : new Float32Array(c)
    const [mean, variance] = w
    f.node(
      'BatchNormalization',
      [
        ctx.inputs[0],
        f.float('gamma', [c], gamma),
        f.float('beta', [c], beta),
        f.float('moving_mean', [c], mean),
        f.float('moving_variance', [c], variance),
      ],
      ctx.output,
      { epsilon: float(p.epsilon) },
    )
    return f.done()
  },
  // PyTorch's momentum weighs the batch: 1 − ours. BatchNorm2d(affine=False) has neither γ nor β;
  // with only one of them off, the other stays a parameter, frozen at 1 (γ) or 0 (β).
  toTorch(p, ctx) {
    const x = ctx.inputShapes[0]
    const c = x[x.length - 1] as number
    const affine = p.scale || p.center
    const param = (key: string, tfjs: string, on: boolean, off: number): TorchParam[] =>
      !affine
        ? []
        : [{ key, shape: [c], from: on ? { tfjs, layout: 'copy' } : { constant: off, dtype: 'F32' } }]
    return {
      module: {
        type: x.length === 4 ? 'nn.BatchNorm2d' : 'nn.BatchNorm1d',
        args: [
          { value: c, role: 'inChannels' },
          { keyword: 'eps', value: p.epsilon, default: 1e-5 },
          { keyword: 'momentum', value: 1 - p.momentum, default: 0.1 },
          { keyword: 'affine', value: affine, default: true },
        ],
      },
      init: [
        ...(affine && !p.scale ? [`${ctx.self}.weight.requires_grad_(False)  # scale off: γ stays 1`] : []),
        ...(affine && !p.center ? [`${ctx.self}.bias.requires_grad_(False)  # center off: β stays 0`] : []),
      ],
      forward: `${ctx.self}(${ctx.inputs[0]})`,
      state: [
        ...param('weight', 'gamma', p.scale, 1),
        ...param('bias', 'beta', p.center, 0),
        { key: 'running_mean', shape: [c], from: { tfjs: 'moving_mean', layout: 'copy' } },
        { key: 'running_var', shape: [c], from: { tfjs: 'moving_variance', layout: 'copy' } },
        { key: 'num_batches_tracked', shape: [], from: { constant: 0, dtype: 'I64' } },
      ],
    }
  },
})
