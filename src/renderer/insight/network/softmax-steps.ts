/**
 * Softmax the way the view explains it, step by step with each step's numbers: subtract the
 * largest logit (so that no exp overflows; the result is the same), exponentiate, sum, divide.
 */
export interface SoftmaxSteps {
  logits: number[]
  max: number
  /** z − max */
  shifted: number[]
  /** exp(z − max) */
  exps: number[]
  sum: number
  probabilities: number[]
}

export function softmaxSteps(logits: ArrayLike<number>): SoftmaxSteps {
  const z = Array.from(logits)
  if (z.length === 0) throw new Error('softmax needs at least one logit; the vector is empty.')
  const max = Math.max(...z)
  const shifted = z.map((v) => v - max)
  const exps = shifted.map(Math.exp)
  const sum = exps.reduce((a, b) => a + b, 0)
  return { logits: z, max, shifted, exps, sum, probabilities: exps.map((e) => e / sum) }
}
