import { z } from 'zod'
import { hwc } from '../tensor/shape'
import { defineLayer, fail, noMacs, noParams, ok } from './define-layer'
import { expect4d } from './inputs'
import { formatPadding, padding, pair } from './params'
import { formatWindow, windowOutput } from './spatial'

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
const window = (p: P) => ({
  kernel: p.poolSize,
  strides: p.strides,
  dilation: [1, 1] as const,
  padding: p.padding,
  ceilMode: p.ceilMode,
})

/** MaxPool2D and AvgPool2D share everything but the reduction. */
export function definePool<K extends string>(kind: K, label: string, doc: string) {
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
      const out = windowOutput(window(p), h, w)
      if (out.error) {
        // windowOutput speaks of kernels; a pooling window is set by poolSize.
        const message = out.error.message.replace(/^kernel/, 'pool').replace('smaller kernel', 'smaller pool')
        return fail({ ...out.error, message, param: 'poolSize' })
      }
      return ok([null, out.h, out.w, c])
    },
    paramCount: noParams,
    macs: noMacs,
  })
}
