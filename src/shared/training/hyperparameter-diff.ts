import type { Hyperparameters } from '../api/training'

/**
 * The hyperparameters whose values are not all the same among these runs, in the schema's order
 * (the order of the first run's keys). One run, or none, differs in nothing.
 */
export function differingHyperparameters(runs: readonly Hyperparameters[]): (keyof Hyperparameters)[] {
  if (runs.length < 2) return []
  const keys = [...new Set(runs.flatMap((h) => Object.keys(h)))] as (keyof Hyperparameters)[]
  return keys.filter((k) => runs.some((h) => !Object.is(h[k], runs[0][k])))
}
