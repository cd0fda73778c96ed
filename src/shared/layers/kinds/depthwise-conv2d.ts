import { z } from 'zod'
import { hwc } from '../../tensor/shape'
import { defineLayer, fail, ok } from '../define-layer'
import { expect4d } from '../inputs'
import { activation, formatPadding, padding, pair, posInt } from '../params'
import { formatWindow, windowOutput } from '../spatial'

const params = z.strictObject({
  depthMultiplier: posInt().default(1).meta({ description: 'Output channels per input channel' }),
  kernelSize: pair(3).meta({ description: 'Kernel height × width' }),
  strides: pair(1).meta({ description: 'Step between windows, vertical × horizontal' }),
  padding: padding('valid').meta({
    description: "'valid' (none), 'same' (output = ceil(input / stride)) or pixels per side",
  }),
  dilation: pair(1).meta({ description: 'Spacing between kernel taps (atrous convolution)' }),
  useBias: z.boolean().default(true).meta({ description: 'Off when a BatchNorm follows' }),
  activation: activation('linear'),
})
type P = z.output<typeof params>
const window = (p: P) => ({
  kernel: p.kernelSize,
  strides: p.strides,
  dilation: p.dilation,
  padding: p.padding,
})

export const depthwiseConv2d = defineLayer({
  kind: 'DepthwiseConv2D',
  palette: {
    label: 'DepthwiseConv2D',
    category: 'convolution',
    doc: 'Convolves each input channel with its own kernels (depthMultiplier per channel) without mixing channels: the spatial half of a MobileNet separable convolution.',
    summary: (p) =>
      [`×${p.depthMultiplier}`, formatWindow(window(p)), formatPadding(p.padding)]
        .concat(p.activation === 'linear' ? [] : [p.activation])
        .join(' · '),
  },
  params,
  arity: { min: 1, max: 1 },
  inferShape(p, [x]) {
    const bad = expect4d('DepthwiseConv2D', x)
    if (bad) return fail(bad)
    const { h, w, c } = hwc(x)
    const out = windowOutput(window(p), h, w)
    if (out.error) return fail(out.error)
    return ok([null, out.h, out.w, c * p.depthMultiplier])
  },
  paramCount(p, [x]) {
    const outC = hwc(x).c * p.depthMultiplier
    return { trainable: p.kernelSize[0] * p.kernelSize[1] * outC + (p.useBias ? outC : 0), nonTrainable: 0 }
  },
  macs(p, _inputs, out) {
    const { h, w, c } = hwc(out)
    return h * w * c * p.kernelSize[0] * p.kernelSize[1]
  },
})
