/**
 * How a layer's output size follows from its input: the rule in symbols and the same rule with one
 * node's numbers, which the editor shows over an output shape and shape errors quote.
 */
export interface OutputFormula {
  /** The rule in symbols, e.g. `out = ⌊(in + pad_before + pad_after − dilation·(kernel−1) − 1) / stride⌋ + 1`. */
  rule: string
  /** The rule with this node's numbers, one line per axis (height, width); continuation lines start with spaces. */
  lines: string[]
}

/** A number as the formulas print it: a true minus sign, as in the operators around it. */
export const num = (n: number): string => (n < 0 ? `−${-n}` : String(n))
