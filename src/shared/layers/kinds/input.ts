import { z } from 'zod'
import { defineLayer, noMacs, noParams, ok } from '../define-layer'
import { posInt } from '../params'
import { singleNode } from '../onnx/helpers'
import { expression } from '../torch/helpers'

export const input = defineLayer({
  kind: 'Input',
  palette: {
    label: 'Input',
    category: 'input',
    doc: 'An image batch entering the network: height × width × channels (1 for grayscale, 3 for RGB). The batch dimension is left open.',
    summary: (p) => `${p.height}×${p.width}×${p.channels}`,
  },
  params: z.strictObject({
    height: posInt().default(28).meta({ description: 'Image height in pixels' }),
    width: posInt().default(28).meta({ description: 'Image width in pixels' }),
    channels: posInt().default(1).meta({ description: '1 for grayscale, 3 for RGB' }),
  }),
  arity: { min: 0, max: 0 },
  inferShape: (p) => ok([null, p.height, p.width, p.channels]),
  paramCount: noParams,
  macs: noMacs,
  // Inside the graph 4-D tensors are NCHW: an NHWC model input is transposed once, here.
  toOnnx: (_p, ctx) =>
    ctx.inputLayout === 'NHWC'
      ? singleNode(ctx, 'Transpose', { perm: [0, 3, 1, 2] })
      : singleNode(ctx, 'Identity'),
  // forward's argument: NCHW images.
  toTorch: (_p, ctx) => expression(ctx.inputs[0]),
})
