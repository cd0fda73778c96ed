import { formatShape } from '../../tensor/shape'
import { defineLayer, fail, noMacs, noParams, ok } from '../define-layer'
import { mergeInputs } from '../families/merge'
import { singleNode } from '../onnx/helpers'
import { expression } from '../torch/helpers'

export const concat = defineLayer({
  kind: 'Concat',
  palette: {
    label: 'Concat',
    category: 'merge',
    doc: 'Joins its inputs along the channel axis, in input order (the Inception module’s merge). Heights and widths must match; channels add up.',
    summary: (p) => `${p.inputs} inputs · channels`,
  },
  ...mergeInputs,
  inferShape(_p, inputs) {
    const first = inputs[0]
    for (let j = 1; j < inputs.length; j++) {
      const x = inputs[j]
      if (x.length !== first.length)
        return fail({
          message: `Concat needs inputs of the same rank, but input 1 is ${formatShape(first)} and input ${j + 1} is ${formatShape(x)}. Flatten or pool the 4-D input first.`,
          port: j,
        })
      if (x.length === 4 && (x[1] !== first[1] || x[2] !== first[2]))
        return fail({
          message: `Concat joins along channels, so heights and widths must match, but input 1 is ${first[1]}×${first[2]} and input ${j + 1} is ${x[1]}×${x[2]}. Give the branches the same strides and padding 'same'.`,
          port: j,
        })
    }
    const last = first.length - 1
    const channels = inputs.reduce((sum, x) => sum + (x[last] as number), 0)
    return ok([...first.slice(0, last), channels])
  },
  paramCount: noParams,
  macs: noMacs,
  toTfjs: (tf, _p, ctx) => tf.layers.concatenate({ name: ctx.name, axis: -1 }),
  // Channels are axis 1 both in NCHW and in [N, features].
  toOnnx: (_p, ctx) => singleNode(ctx, 'Concat', { axis: 1 }),
  toTorch: (_p, ctx) => expression(`torch.cat([${ctx.inputs.join(', ')}], dim=1)`),
})
