import { hwc } from '../../tensor/shape'
import { depthwiseToOnnx, emitActivation, hwioToOihw, onnxFragment, onnxPads, preActivation } from './helpers'
import type { OnnxCtx, OnnxFragment } from './types'
import type { ActivationName, Padding, Pair } from '../params'

interface ConvOnnxParams {
  kernelSize: Pair
  strides: Pair
  dilation: Pair
  padding: Padding
  activation: ActivationName
  useBias: boolean
}

/** Conv's window attributes; padding always explicit (TF's 'same' puts the odd pixel last). */
const windowAttributes = (p: ConvOnnxParams, ctx: OnnxCtx) => ({
  kernel_shape: [...p.kernelSize],
  strides: [...p.strides],
  dilations: [...p.dilation],
  pads: onnxPads(
    { kernel: p.kernelSize, strides: p.strides, dilation: p.dilation, padding: p.padding },
    ctx.inputShapes[0],
  ),
})

/**
 * Conv2D, DepthwiseConv2D and SeparableConv2D as ONNX Conv nodes (depthwise = `group` equal to the
 * input channels), weights from TF.js's [kernel, (pointwise), bias] order, then the activation.
 */
export function convToOnnx(
  kind: 'conv' | 'depthwise' | 'separable',
  p: ConvOnnxParams & { filters?: number; depthMultiplier?: number },
  ctx: OnnxCtx,
): OnnxFragment {
  const f = onnxFragment(ctx)
  const c = hwc(ctx.inputShapes[0]).c
  const [kh, kw] = p.kernelSize
  const expected = (kind === 'separable' ? 2 : 1) + (p.useBias ? 1 : 0)
  if (ctx.weights.length !== expected)
    throw new Error(`${ctx.name}: expected ${expected} weight tensors, got ${ctx.weights.length}.`)
  const [kernel] = ctx.weights
  const bias = p.useBias
    ? [f.float('bias', [ctx.weights[expected - 1].length], ctx.weights[expected - 1])]
    : []
  const y = preActivation(f, ctx, p.activation)
  const attrs = windowAttributes(p, ctx)
  if (kind === 'conv') {
    const filters = p.filters!
    const w = f.float('kernel', [filters, c, kh, kw], hwioToOihw(kernel, [kh, kw, c, filters]))
    f.node('Conv', [ctx.inputs[0], w, ...bias], y, { ...attrs, group: 1 })
  } else {
    const mid = c * p.depthMultiplier!
    const dw = f.float(
      'depthwise_kernel',
      [mid, 1, kh, kw],
      depthwiseToOnnx(kernel, [kh, kw, c, p.depthMultiplier!]),
    )
    if (kind === 'depthwise') {
      f.node('Conv', [ctx.inputs[0], dw, ...bias], y, { ...attrs, group: c })
    } else {
      const filters = p.filters!
      const between = f.node('Conv', [ctx.inputs[0], dw], f.tensor('depthwise'), { ...attrs, group: c })
      const pw = f.float(
        'pointwise_kernel',
        [filters, mid, 1, 1],
        hwioToOihw(ctx.weights[1], [1, 1, mid, filters]),
      )
      f.node('Conv', [between, pw, ...bias], y, { kernel_shape: [1, 1], group: 1 })
    }
  }
  emitActivation(f, p.activation, y, ctx.output)
  return f.done()
}
