import type { z } from 'zod'
import { BLOCKS, type BlockKind } from '../../shared/blocks/registry'
import type { Shape } from '../../shared/tensor/shape'

/** A constructor parameter of a block class and its value for one instance. */
export interface BlockArg {
  name: string
  value: number
  /** Its default in the signature; parameters without one are positional. */
  default?: number
}

/**
 * How a block kind reads as a PyTorch class. The layers come from the block's `expand`; this says
 * which of their numbers are the class's parameters: the output channels of named inner layers as
 * expressions of the parameters (channels pass unchanged through BatchNorm, activations, pooling and
 * depthwise layers), and which inner layers take the block's stride. Every expression is checked
 * against the expansion of each instance before it is used (model-plan.ts); a number that no
 * parameter explains is written as it is.
 */
interface BlockClass<P> {
  /** torchvision's name where it has the block. */
  className: string
  /** The parameters, in signature order, for an instance with these params and input shape. */
  args(p: P, input: Shape): BlockArg[]
  /** Inner layer id → its output channels, a product of parameters and integers (`filters * expansion`). */
  channels: Record<string, string>
  /** Inner layers whose stride is the block's `stride`. */
  strided: string[]
  /** Channel expressions `__init__` names first when it uses them twice (torchvision's `hidden_dim`). */
  locals?: Record<string, string>
}

type Params<K extends BlockKind> = z.output<(typeof BLOCKS)[K]['params']>
const inChannels = (input: Shape): BlockArg => ({ name: 'in_channels', value: input[3] as number })

export const BLOCK_CLASSES = {
  ResidualBasic: {
    className: 'BasicBlock',
    args: (p, input) => [
      inChannels(input),
      { name: 'filters', value: p.filters },
      { name: 'stride', value: p.strides, default: 1 },
    ],
    channels: { conv1: 'filters', conv2: 'filters', proj: 'filters' },
    strided: ['conv1', 'proj'],
  },
  ResidualBottleneck: {
    className: 'Bottleneck',
    args: (p, input) => [
      inChannels(input),
      { name: 'filters', value: p.filters },
      { name: 'stride', value: p.strides, default: 1 },
      { name: 'expansion', value: p.expansion, default: 4 },
    ],
    channels: {
      conv1: 'filters',
      conv2: 'filters',
      conv3: 'filters * expansion',
      proj: 'filters * expansion',
    },
    strided: ['conv2', 'proj'],
    locals: { 'filters * expansion': 'out_channels' },
  },
  Inception: {
    className: 'Inception',
    args: (p, input) => [
      inChannels(input),
      { name: 'c1x1', value: p.c1x1 },
      { name: 'c3x3_reduce', value: p.c3x3Reduce },
      { name: 'c3x3', value: p.c3x3 },
      { name: 'c5x5_reduce', value: p.c5x5Reduce },
      { name: 'c5x5', value: p.c5x5 },
      { name: 'pool_proj', value: p.poolProj },
    ],
    channels: {
      b1: 'c1x1',
      b2_reduce: 'c3x3_reduce',
      b2: 'c3x3',
      b3_reduce: 'c5x5_reduce',
      b3: 'c5x5',
      b4: 'pool_proj',
    },
    strided: [],
  },
  SeparableBlock: {
    className: 'SeparableBlock',
    args: (p, input) => [
      inChannels(input),
      { name: 'filters', value: p.filters },
      { name: 'stride', value: p.strides, default: 1 },
    ],
    channels: { pw: 'filters' },
    strided: ['dw'],
  },
  InvertedResidual: {
    className: 'InvertedResidual',
    args: (p, input) => [
      inChannels(input),
      { name: 'filters', value: p.filters },
      { name: 'stride', value: p.strides, default: 1 },
      { name: 'expansion', value: p.expansion, default: 6 },
    ],
    channels: { expand: 'in_channels * expansion', project: 'filters' },
    strided: ['dw'],
    locals: { 'in_channels * expansion': 'hidden' },
  },
} satisfies { [K in BlockKind]: BlockClass<Params<K>> }

/** The table's entry for a block kind, its params untyped (they come parsed from the document). */
export const blockClassOf = (kind: BlockKind): BlockClass<unknown> =>
  BLOCK_CLASSES[kind] as unknown as BlockClass<unknown>

/** The value of a table expression (`filters * expansion`) for one instance's parameters. */
export function evaluate(expr: string, args: ReadonlyMap<string, number>): number {
  return expr
    .split('*')
    .map((t) => t.trim())
    .reduce((product, t) => product * (/^\d+$/.test(t) ? Number(t) : (args.get(t) ?? NaN)), 1)
}

/** The parameters an expression uses. */
export const namesIn = (expr: string): string[] => expr.match(/[A-Za-z_]\w*/g) ?? []
