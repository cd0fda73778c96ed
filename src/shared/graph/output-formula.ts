import type { OutputFormula } from '../layers/output-formula'
import { getLayer } from '../layers/registry'
import type { Shape } from '../tensor/shape'
import { parseParams } from './parse-params'

/** Whether nodes of this kind explain their output size with a formula. */
export const hasOutputFormula = (kind: string): boolean => getLayer(kind)?.outputFormula !== undefined

/**
 * A node's output-size formula with its numbers: its kind's `outputFormula` over its parameters as
 * the document holds them and its input shapes (the analysis's `inputShapes`). Null for a kind
 * without one (Dense, activations, blocks), parameters that do not parse, or an unknown input.
 */
export function nodeOutputFormula(
  kind: string,
  params: Record<string, unknown>,
  inputs: readonly (Shape | null)[],
): OutputFormula | null {
  const spec = getLayer(kind)
  if (!spec?.outputFormula || inputs.length === 0 || inputs.some((s) => s === null)) return null
  const p = parseParams(spec.params, params)
  if (p.error) return null
  return spec.outputFormula(p.value as never, inputs as Shape[])
}
