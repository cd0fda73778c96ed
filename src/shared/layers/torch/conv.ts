import { hwc } from '../../tensor/shape'
import type { ConvWindowParams } from '../families/conv'
import { resolvePads } from '../spatial'
import { activationCall } from './helpers'
import { padTuple } from './py'
import type { TorchArg, TorchCtx, TorchFragment, TorchParam } from './types'

type ConvTorchParams = ConvWindowParams & { useBias: boolean }

/**
 * The padding of a window over the layer's input, as PyTorch takes it: symmetric pads (per axis)
 * as the module's `padding`, anything else (TensorFlow's 'same' with its odd pixel at the bottom
 * and right, explicit uneven pads) as `F.pad` on the input and no `padding`.
 */
export function convPadding(
  p: Pick<ConvTorchParams, 'kernelSize' | 'strides' | 'dilation' | 'padding'>,
  ctx: TorchCtx,
) {
  const { h, w } = hwc(ctx.inputShapes[0])
  const { rows, cols } = resolvePads(
    { kernel: p.kernelSize, strides: p.strides, dilation: p.dilation, padding: p.padding },
    h,
    w,
  )
  const x = ctx.inputs[0]
  if (rows.before === rows.after && cols.before === cols.after)
    return { input: x, padding: [rows.before, cols.before] as const }
  const pads = { top: rows.before, bottom: rows.after, left: cols.before, right: cols.after }
  return { input: `F.pad(${x}, ${padTuple(pads)})`, padding: [0, 0] as const }
}

/**
 * Conv2D, DepthwiseConv2D (a grouped convolution, one group per input channel) and SeparableConv2D
 * (model.py's SeparableConv2d: depthwise, then a 1×1 pointwise convolution with the bias), the
 * fused activation applied in forward. Weights from TF.js's kernel, (pointwise kernel,) bias.
 */
export function convToTorch(
  kind: 'conv' | 'depthwise' | 'separable',
  p: ConvTorchParams & { filters?: number; depthMultiplier?: number },
  ctx: TorchCtx,
): TorchFragment {
  const c = hwc(ctx.inputShapes[0]).c
  const out = hwc(ctx.outputShape).c
  const [kh, kw] = p.kernelSize
  const { input, padding } = convPadding(p, ctx)
  const window: TorchArg[] = [
    { keyword: 'kernel_size', value: p.kernelSize },
    { keyword: 'stride', value: p.strides, default: 1, role: 'stride' },
    { keyword: 'padding', value: padding, default: 0 },
    { keyword: 'dilation', value: p.dilation, default: 1 },
  ]
  const channels: TorchArg[] = [
    { value: c, role: 'inChannels' },
    { value: out, role: 'outChannels' },
  ]
  const bias: TorchArg = { keyword: 'bias', value: p.useBias, default: true }
  const biasState = (key: string): TorchParam[] =>
    p.useBias ? [{ key, shape: [out], from: { tfjs: 'bias', layout: 'copy' } }] : []
  const forward = activationCall(p.activation, `${ctx.self}(${input})`)
  if (kind === 'separable') {
    const mid = c * p.depthMultiplier!
    return {
      module: {
        type: 'SeparableConv2d',
        args: [
          ...channels,
          ...window,
          { keyword: 'depth_multiplier', value: p.depthMultiplier!, default: 1 },
          bias,
        ],
      },
      forward,
      state: [
        {
          key: 'depthwise.weight',
          shape: [mid, 1, kh, kw],
          from: { tfjs: 'depthwise_kernel', layout: 'kernel' },
        },
        {
          key: 'pointwise.weight',
          shape: [out, mid, 1, 1],
          from: { tfjs: 'pointwise_kernel', layout: 'kernel' },
        },
        ...biasState('pointwise.bias'),
      ],
      helpers: ['SeparableConv2d'],
    }
  }
  const depthwise = kind === 'depthwise'
  return {
    module: {
      type: 'nn.Conv2d',
      args: [
        ...channels,
        ...window,
        ...(depthwise ? [{ keyword: 'groups', value: c, role: 'inChannels' } as TorchArg] : []),
        bias,
      ],
    },
    forward,
    state: [
      {
        key: 'weight',
        shape: [out, depthwise ? 1 : c, kh, kw],
        from: { tfjs: depthwise ? 'depthwise_kernel' : 'kernel', layout: 'kernel' },
      },
      ...biasState('bias'),
    ],
  }
}
