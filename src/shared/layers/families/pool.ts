import { z } from 'zod'
import { hwc, type Shape } from '../../tensor/shape'
import { defineLayer, fail, noMacs, noParams, ok } from '../define-layer'
import { expect4d } from '../inputs'
import { formatPadding, padding, pair } from '../params'
import { formatWindow, resolvePads, windowFormula, windowOutput } from '../spatial'
import { customLayers } from '../tfjs/custom-layers'
import { mutablePair } from '../tfjs/conv'
import { singleNode } from '../onnx/helpers'
import { poolToTorch } from '../torch/pool'

const params = z.strictObject({
  poolSize: pair(2).meta({ description: 'Window height × width' }),
  strides: pair(2).meta({ description: 'Step between windows, vertical × horizontal' }),
  padding: padding('valid').meta({
    description: "'valid' (none), 'same' (output = ceil(input / stride)) or pixels per side",
  }),
  ceilMode: z.boolean().default(false).meta({
    description: 'Round the output size up, keeping a last partial window (PyTorch ceil_mode)',
  }),
})
type P = z.output<typeof params>

/**
 * Rows and columns a pooling adds on each side, ceil mode's extra bottom and right ones included:
 * what TF.js's padded pooling and ONNX's `pads` both take.
 */
function poolPads(p: P, inputShape: Shape, outputShape: Shape) {
  const [, h, w] = inputShape as number[]
  const [, outH, outW] = outputShape as number[]
  const { rows, cols } = resolvePads(window(p), h, w)
  const extra = (out: number, n: number, k: number, s: number, before: number, after: number) =>
    Math.max(0, (out - 1) * s + k - (n + before + after))
  return {
    top: rows.before,
    bottom: rows.after + extra(outH, h, p.poolSize[0], p.strides[0], rows.before, rows.after),
    left: cols.before,
    right: cols.after + extra(outW, w, p.poolSize[1], p.strides[1], cols.before, cols.after),
  }
}
const window = (p: P) => ({
  kernel: p.poolSize,
  strides: p.strides,
  dilation: [1, 1] as const,
  padding: p.padding,
  ceilMode: p.ceilMode,
})

/** MaxPool2D and AvgPool2D share everything but the reduction. */
export function definePool<K extends string>(kind: K, label: string, doc: string, reduce: 'max' | 'avg') {
  return defineLayer({
    kind,
    palette: {
      label,
      category: 'pooling',
      doc,
      summary: (p: P) =>
        [formatWindow(window(p))]
          .concat(p.padding === 'valid' ? [] : [formatPadding(p.padding)])
          .concat(p.ceilMode ? ['ceil'] : [])
          .join(' · '),
    },
    params,
    arity: { min: 1, max: 1 },
    inferShape(p, [x]) {
      const bad = expect4d(label, x)
      if (bad) return fail(bad)
      const { h, w, c } = hwc(x)
      if (typeof p.padding !== 'string') {
        const { top, bottom, left, right } = p.padding
        const [kh, kw] = p.poolSize
        if (Math.max(top, bottom) >= kh || Math.max(left, right) >= kw)
          return fail({
            message: `${label} padding ${top}/${bottom}/${left}/${right} (top/bottom/left/right) must be smaller than the ${kh}×${kw} pool on each side, or some windows would hold only padding. Use padding 'same' or less padding.`,
            param: 'padding',
            fix: { type: 'setParam', label: "Set padding to 'same'", param: 'padding', value: 'same' },
          })
      }
      const out = windowOutput(window(p), h, w)
      if (out.error) {
        // windowOutput speaks of kernels; a pooling window is set by poolSize.
        const message = out.error.message.replace(/^kernel/, 'pool').replace('smaller kernel', 'smaller pool')
        return fail({ ...out.error, message, param: 'poolSize' })
      }
      return ok([null, out.h, out.w, c])
    },
    outputFormula: (p, [x]) => (x.length === 4 ? windowFormula(window(p), hwc(x).h, hwc(x).w) : null),
    paramCount: noParams,
    macs: noMacs,
    toTfjs(tf, p, ctx) {
      const poolSize = mutablePair(p.poolSize)
      const strides = mutablePair(p.strides)
      const pads = poolPads(p, ctx.inputShapes[0], ctx.outputShape)
      const plain = p.padding === 'same' || pads.top + pads.bottom + pads.left + pads.right === 0
      if (plain) {
        const args = {
          name: ctx.name,
          poolSize,
          strides,
          padding: p.padding === 'same' ? 'same' : 'valid',
        } as const
        return reduce === 'max' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args)
      }
      const { PaddedPool } = customLayers(tf)
      return new PaddedPool({ name: ctx.name, mode: reduce, poolSize, strides, pads })
    },
    // Explicit pads (ceil mode's included, so ceil_mode stays 0); padded cells never count:
    // MaxPool ignores them and AveragePool divides by the real pixels (count_include_pad 0).
    toOnnx(p, ctx) {
      const { top, left, bottom, right } = poolPads(p, ctx.inputShapes[0], ctx.outputShape)
      return singleNode(ctx, reduce === 'max' ? 'MaxPool' : 'AveragePool', {
        kernel_shape: [...p.poolSize],
        strides: [...p.strides],
        pads: [top, left, bottom, right],
        ...(reduce === 'avg' ? { count_include_pad: 0 } : {}),
      })
    },
    toTorch: (p, ctx) =>
      poolToTorch(reduce, p.poolSize, p.strides, poolPads(p, ctx.inputShapes[0], ctx.outputShape), ctx),
  })
}
