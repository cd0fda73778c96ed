import { outputLength, outputLengthCeil } from '../../tensor/conv-math'
import type { Pair } from '../params'
import { padTuple } from './py'
import type { TorchArg, TorchCtx, TorchFragment } from './types'

export interface PoolPads {
  top: number
  bottom: number
  left: number
  right: number
}

/**
 * PyTorch's own pooling, when it computes ours: padded cells never count in either (max ignores
 * them, average divides by the real pixels with `count_include_pad=False`), so the result depends
 * only on where windows start (i·stride − top) and how many there are. PyTorch pads both sides
 * alike, at most half the window, and may keep a last partial window (`ceil_mode`): any of its
 * settings with our top and left pads that gives our output size is exact. Null when none does
 * (uneven pads beyond that, pads over half the window).
 */
export function nativePool(
  poolSize: Pair,
  strides: Pair,
  pads: PoolPads,
  input: [h: number, w: number],
  output: [h: number, w: number],
): { padding: Pair; ceilMode: boolean } | null {
  const before = [pads.top, pads.left] as const
  if (before.some((b, i) => 2 * b > poolSize[i])) return null
  for (const ceilMode of [false, true]) {
    const length = ceilMode ? outputLengthCeil : outputLength
    const fits = [0, 1].every(
      (i) =>
        length(input[i], poolSize[i], strides[i], 1, { before: before[i], after: before[i] }) === output[i],
    )
    if (fits) return { padding: before, ceilMode }
  }
  return null
}

/**
 * MaxPool2D and AvgPool2D: `nn.MaxPool2d` / `nn.AvgPool2d` when PyTorch's pooling computes ours
 * (nativePool); otherwise the pads by `F.pad` first, with −∞ for max pooling, and for average
 * pooling divided by the pooled count of real pixels (a pooled map of ones), as TF.js's padded
 * pool does.
 */
export function poolToTorch(
  reduce: 'max' | 'avg',
  poolSize: Pair,
  strides: Pair,
  pads: PoolPads,
  ctx: TorchCtx,
): TorchFragment {
  const [, h, w] = ctx.inputShapes[0] as number[]
  const [, outH, outW] = ctx.outputShape as number[]
  const native = nativePool(poolSize, strides, pads, [h, w], [outH, outW])
  const type = reduce === 'max' ? 'nn.MaxPool2d' : 'nn.AvgPool2d'
  const window: TorchArg[] = [
    { keyword: 'kernel_size', value: poolSize },
    { keyword: 'stride', value: strides, role: 'stride' },
  ]
  const x = ctx.inputs[0]
  if (native) {
    const padded = native.padding[0] + native.padding[1] > 0
    const args: TorchArg[] = [
      ...window,
      { keyword: 'padding', value: native.padding, default: 0 },
      { keyword: 'ceil_mode', value: native.ceilMode, default: false },
      ...(reduce === 'avg' && padded ? [{ keyword: 'count_include_pad', value: false } as TorchArg] : []),
    ]
    return { module: { type, args }, forward: `${ctx.self}(${x})`, state: [] }
  }
  const tuple = padTuple(pads)
  const forward =
    reduce === 'max'
      ? `${ctx.self}(F.pad(${x}, ${tuple}, value=float("-inf")))`
      : `${ctx.self}(F.pad(${x}, ${tuple})) / ${ctx.self}(F.pad(torch.ones_like(${x}[:, :1]), ${tuple}))`
  return { module: { type, args: window }, forward, state: [] }
}
