import { z } from 'zod'
import { formatShape } from '../../tensor/shape'
import { defineLayer, fail, noMacs, noParams, ok } from '../define-layer'
import { expect4d } from '../inputs'
import { onnxFragment } from '../onnx/helpers'
import { expression } from '../torch/helpers'

/** GlobalAvgPool2D and GlobalMaxPool2D: one value per channel. */
export function defineGlobalPool<K extends string>(
  kind: K,
  label: string,
  doc: string,
  reduce: 'max' | 'avg',
) {
  return defineLayer({
    kind,
    palette: { label, category: 'pooling', doc, summary: () => 'per channel' },
    params: z.strictObject({}),
    arity: { min: 1, max: 1 },
    inferShape(_p, [x]) {
      const bad = expect4d(label, x)
      return bad ? fail(bad) : ok([null, x[3]])
    },
    outputFormula: (_p, [x]) =>
      x.length === 4
        ? {
            rule: 'out = channels: one value per channel, over the whole height×width map',
            lines: [`out = ${x[3]} (each channel's ${formatShape(x.slice(0, 3))} map → 1 value)`],
          }
        : null,
    paramCount: noParams,
    macs: noMacs,
    toTfjs: (tf, _p, ctx) =>
      reduce === 'max'
        ? tf.layers.globalMaxPooling2d({ name: ctx.name })
        : tf.layers.globalAveragePooling2d({ name: ctx.name }),
    // ONNX keeps [N, C, 1, 1]; the registry's output is [N, C].
    toOnnx(_p, ctx) {
      const f = onnxFragment(ctx)
      const pooled = f.node(
        reduce === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool',
        ctx.inputs,
        f.tensor('pooled'),
      )
      f.node('Flatten', [pooled], ctx.output, { axis: 1 })
      return f.done()
    },
    // [N, C] as the registry's output.
    toTorch: (_p, ctx) => expression(`${ctx.inputs[0]}.${reduce === 'max' ? 'amax' : 'mean'}(dim=(2, 3))`),
  })
}
