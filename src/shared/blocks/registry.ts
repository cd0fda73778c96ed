import type { BlockSpec } from './define-block'

/** Every composite block, keyed by its `kind`. */
export const BLOCKS = {} as const satisfies { [K in string]: BlockSpec<K> }

export type BlockKind = keyof typeof BLOCKS
export type AnyBlockSpec = BlockSpec<BlockKind>

export const BLOCK_KINDS = Object.keys(BLOCKS) as BlockKind[]

export function isBlockKind(kind: string): kind is BlockKind {
  return Object.hasOwn(BLOCKS, kind)
}

export function getBlock(kind: string): AnyBlockSpec | undefined {
  return isBlockKind(kind) ? (BLOCKS[kind] as unknown as AnyBlockSpec) : undefined
}
