import { z } from 'zod'
import { defineLayer, fail, ok } from '../define-layer'
import { expect2d } from '../inputs'
import { activation, posInt } from '../params'
import { activationLayers, chain, kernelInit } from '../tfjs/helpers'
import { emitActivation, expectWeights, onnxFragment, preActivation } from '../onnx/helpers'
import { activationCall } from '../torch/helpers'
import type { TorchFragment, TorchParam } from '../torch/types'

export const dense = defineLayer({
  kind: 'Dense',
  palette: {
    label: 'Dense',
    category: 'dense',
    doc: 'A fully connected layer: every output unit is a weighted sum of all input features plus a bias. Needs a flat input: put Flatten or global pooling before it. From the palette it comes with ReLU; set linear for the last Dense, which feeds Output its logits.',
    preset: { activation: 'relu' },
    summary: (p) => [String(p.units)].concat(p.activation === 'linear' ? [] : [p.activation]).join(' · '),
  },
  params: z.strictObject({
    units: posInt().default(128).meta({ description: 'Number of output features' }),
    useBias: z.boolean().default(true).meta({ description: 'Add a learned bias to each output' }),
    activation: activation('linear').meta({
      description: 'Applied to the output; keep linear before Output',
    }),
  }),
  arity: { min: 1, max: 1 },
  inferShape(p, [x]) {
    const bad = expect2d('Dense', x)
    return bad ? fail(bad) : ok([null, p.units])
  },
  paramCount: (p, [x]) => ({
    trainable: (x[1] as number) * p.units + (p.useBias ? p.units : 0),
    nonTrainable: 0,
  }),
  macs: (p, [x]) => (x[1] as number) * p.units,
  toTfjs: (tf, p, ctx) =>
    chain(
      tf.layers.dense({
        name: ctx.name,
        units: p.units,
        useBias: p.useBias,
        kernelInitializer: kernelInit(tf, ctx),
      }),
      ...activationLayers(tf, p.activation, `${ctx.name}__act`),
    ),
  toOnnx(p, ctx) {
    const f = onnxFragment(ctx)
    const [kernel, bias] = expectWeights(ctx, p.useBias ? 2 : 1, p.useBias ? 'kernel, bias' : 'kernel')
    const inputs = ctx.inputShapes[0][1] as number
    // Gemm with B as stored by TF.js: [inputs, units], no transpose.
    const w = [ctx.inputs[0], f.float('kernel', [inputs, p.units], kernel)]
    if (bias) w.push(f.float('bias', [p.units], bias))
    const y = preActivation(f, ctx, p.activation)
    f.node('Gemm', w, y)
    emitActivation(f, p.activation, y, ctx.output)
    return f.done()
  },
  // Linear's weight is the TF.js kernel transposed: [units, inputs].
  toTorch(p, ctx): TorchFragment {
    const inputs = ctx.inputShapes[0][1] as number
    const bias: TorchParam = { key: 'bias', shape: [p.units], from: { tfjs: 'bias', layout: 'copy' } }
    return {
      module: {
        type: 'nn.Linear',
        args: [
          { value: inputs, role: 'inChannels' },
          { value: p.units, role: 'outChannels' },
          { keyword: 'bias', value: p.useBias, default: true },
        ],
      },
      forward: activationCall(p.activation, `${ctx.self}(${ctx.inputs[0]})`),
      state: [
        { key: 'weight', shape: [p.units, inputs], from: { tfjs: 'kernel', layout: 'transpose' } },
        ...(p.useBias ? [bias] : []),
      ],
    }
  },
})
