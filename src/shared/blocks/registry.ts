import type { BlockSpec } from './define-block'
import { inception } from './inception'
import { invertedResidual } from './inverted-residual'
import { residualBasic } from './residual-basic'
import { residualBottleneck } from './residual-bottleneck'
import { separableBlock } from './separable-block'

/** Every composite block, keyed by its `kind`, in palette order. */
export const BLOCKS = {
  Inception: inception,
  ResidualBasic: residualBasic,
  ResidualBottleneck: residualBottleneck,
  SeparableBlock: separableBlock,
  InvertedResidual: invertedResidual,
} as const satisfies { [K in string]: BlockSpec<K> }

export type BlockKind = keyof typeof BLOCKS
export type AnyBlockSpec = BlockSpec<BlockKind>

export const BLOCK_KINDS = Object.keys(BLOCKS) as BlockKind[]

export function isBlockKind(kind: string): kind is BlockKind {
  return Object.hasOwn(BLOCKS, kind)
}

export function getBlock(kind: string): AnyBlockSpec | undefined {
  return isBlockKind(kind) ? (BLOCKS[kind] as unknown as AnyBlockSpec) : undefined
}
