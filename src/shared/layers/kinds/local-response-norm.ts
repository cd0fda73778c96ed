import { z } from 'zod'
import { defineLayer, fail, noMacs, noParams, ok } from '../define-layer'
import { expect4d } from '../inputs'
import { customLayers } from '../tfjs/custom-layers'
import { singleNode } from '../onnx/helpers'
import { float } from '../onnx/types'
import { applied } from '../torch/helpers'

export const localResponseNorm = defineLayer({
  kind: 'LocalResponseNorm',
  palette: {
    label: 'LocalResponseNorm',
    category: 'normalization',
    doc: 'AlexNet’s local response normalisation across `size` neighbouring channels: b = a / (k + alpha/size · Σ a²)^beta (the PyTorch and ONNX convention: alpha is divided by size).',
    summary: (p) => `size ${p.size}`,
  },
  params: z.strictObject({
    size: z.int().min(1).default(5).meta({ description: 'Number of neighbouring channels summed (odd)' }),
    alpha: z
      .number()
      .min(0)
      .default(1e-4)
      .meta({ description: 'Scale of the sum of squares (divided by size)' }),
    beta: z.number().min(0).default(0.75).meta({ description: 'Exponent' }),
    k: z.number().min(0).default(2).meta({ description: 'Additive constant (bias)' }),
  }),
  arity: { min: 1, max: 1 },
  inferShape(p, [x]) {
    const bad = expect4d('LocalResponseNorm', x)
    if (bad) return fail(bad)
    if (p.size % 2 === 0)
      return fail({
        message: `LocalResponseNorm needs an odd size (a window centred on each channel), got ${p.size}. Use ${p.size + 1}.`,
        param: 'size',
        fix: { type: 'setParam', label: `Set size to ${p.size + 1}`, param: 'size', value: p.size + 1 },
      })
    return ok(x)
  },
  paramCount: noParams,
  macs: noMacs,
  toTfjs(tf, p, ctx) {
    const { LocalResponseNorm } = customLayers(tf)
    // TF sums over a radius and does not divide alpha by the window size; PyTorch and ONNX do.
    return new LocalResponseNorm({
      name: ctx.name,
      radius: (p.size - 1) / 2,
      bias: p.k,
      alpha: p.alpha / p.size,
      beta: p.beta,
    })
  },
  // ONNX's LRN divides alpha by size, as the registry (PyTorch) does.
  toOnnx: (p, ctx) =>
    singleNode(ctx, 'LRN', { size: p.size, alpha: float(p.alpha), beta: float(p.beta), bias: float(p.k) }),
  // PyTorch's alpha is divided by size too.
  toTorch: (p, ctx) =>
    applied(
      {
        type: 'nn.LocalResponseNorm',
        args: [
          { value: p.size },
          { keyword: 'alpha', value: p.alpha },
          { keyword: 'beta', value: p.beta },
          { keyword: 'k', value: p.k },
        ],
      },
      ctx.self,
      ctx.inputs[0],
    ),
})
