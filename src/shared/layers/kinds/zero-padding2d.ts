import { z } from 'zod'
import { hwc } from '../../tensor/shape'
import { defineLayer, fail, noMacs, noParams, ok } from '../define-layer'
import { expect4d } from '../inputs'
import { explicitPadding, formatPadding } from '../params'
import { onnxFragment } from '../onnx/helpers'
import { applied } from '../torch/helpers'
import type { PyValue } from '../torch/types'

export const zeroPadding2d = defineLayer({
  kind: 'ZeroPadding2D',
  palette: {
    label: 'ZeroPadding2D',
    category: 'reshape',
    doc: 'Adds rows and columns of zeros around the map: top, bottom, left and right.',
    summary: (p) => formatPadding(p.padding),
  },
  params: z.strictObject({
    padding: z
      .preprocess(
        (v) => (typeof v === 'number' ? { top: v, bottom: v, left: v, right: v } : v),
        explicitPadding,
      )
      .default({ top: 1, bottom: 1, left: 1, right: 1 })
      .meta({ description: 'Zeros added on each side, in pixels' }),
  }),
  arity: { min: 1, max: 1 },
  inferShape(p, [x]) {
    const bad = expect4d('ZeroPadding2D', x)
    if (bad) return fail(bad)
    const { h, w, c } = hwc(x)
    const { top, bottom, left, right } = p.padding
    return ok([null, h + top + bottom, w + left + right, c])
  },
  outputFormula(p, [x]) {
    if (x.length !== 4) return null
    const { h, w } = hwc(x)
    const { top, bottom, left, right } = p.padding
    return {
      rule: 'out = in + pad_before + pad_after',
      lines: [
        `height: out = ${h} + ${top} + ${bottom} = ${h + top + bottom}`,
        `width: out = ${w} + ${left} + ${right} = ${w + left + right}`,
      ],
    }
  },
  paramCount: noParams,
  macs: noMacs,
  toTfjs: (tf, { padding: { top, bottom, left, right } }, ctx) =>
    tf.layers.zeroPadding2d({
      name: ctx.name,
      padding: [
        [top, bottom],
        [left, right],
      ],
    }),
  toOnnx({ padding: { top, bottom, left, right } }, ctx) {
    const f = onnxFragment(ctx)
    const pads = f.ints('pads', [0, 0, top, left, 0, 0, bottom, right])
    // −0.0, not 0: onnxruntime (1.30) folds a zero Pad into a following MaxPool's pads, where
    // padding counts as −∞, which changes the result. −0.0 equals 0 in every op here; its sign bit
    // stops that fusion.
    const value = f.float('value', [], Float32Array.of(-0))
    f.node('Pad', [ctx.inputs[0], pads, value], ctx.output, { mode: 'constant' })
    return f.done()
  },
  toTorch({ padding: { top, bottom, left, right } }, ctx) {
    // ZeroPad2d takes (left, right, top, bottom), or one number for all four.
    const value: PyValue =
      top === bottom && bottom === left && left === right
        ? top
        : { code: `(${left}, ${right}, ${top}, ${bottom})` }
    return applied({ type: 'nn.ZeroPad2d', args: [{ value }] }, ctx.self, ctx.inputs[0])
  },
})
