import type { Hyperparameters } from '../../shared/api/training'

/** The naming rule the help promises: `weightDecay` is `--weight-decay`. */
export const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`

/** A value other than the default for every key: `satisfies` makes a new key a compile error here. */
export const NOT_DEFAULTS = {
  epochs: 1,
  batchSize: 4,
  optimizer: 'sgd',
  learningRate: 0.02,
  momentum: 0.8,
  nesterov: true,
  weightDecay: 0.01,
  schedule: 'step',
  stepEpochs: 2,
  gamma: 0.5,
  warmupEpochs: 0.5,
  validationSplit: 0.25,
  patience: 3,
  flip: true,
  cropPadding: 1,
  normalize: 'standardize',
  seed: 7,
  microBatch: 2,
  limit: 12,
} satisfies Hyperparameters

/** The command line that asks for NOT_DEFAULTS, one flag per key. */
export const NOT_DEFAULT_ARGS = Object.entries(NOT_DEFAULTS).flatMap(([k, v]) =>
  v === true ? [flagOf(k)] : [flagOf(k), String(v)],
)
