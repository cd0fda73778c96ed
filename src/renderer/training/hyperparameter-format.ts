import type { Hyperparameters } from '../../shared/api/training'
import { formatRate } from '../runs/run-format'
import type { HyperparameterKey } from './hyperparameters'

/** Short names for a run's one-line settings (the form's labels are for the form). */
const SHORT = {
  epochs: 'epochs',
  batchSize: 'batch',
  optimizer: 'optimizer',
  learningRate: 'lr',
  momentum: 'momentum',
  nesterov: 'Nesterov',
  weightDecay: 'weight decay',
  schedule: 'schedule',
  stepEpochs: 'step epochs',
  gamma: 'gamma',
  warmupEpochs: 'warm-up',
  validationSplit: 'val split',
  patience: 'patience',
  flip: 'flip',
  cropPadding: 'crop pad',
  normalize: 'normalise',
  seed: 'seed',
  microBatch: 'micro-batch',
  limit: 'images',
} satisfies Record<HyperparameterKey, string>

/** One hyperparameter's value as text: rates kept short, switches on/off, `limit` 0 as all. */
export function formatHyperparameter<K extends HyperparameterKey>(key: K, value: Hyperparameters[K]): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off'
  if (key === 'limit' && value === 0) return 'all'
  if (key === 'learningRate' && typeof value === 'number') return formatRate(value)
  return String(value)
}

/** `batch 32`, `lr 0.01`, `flip on`: one hyperparameter of a run, for a line of settings. */
export const shortHyperparameter = (key: HyperparameterKey, h: Hyperparameters): string =>
  `${SHORT[key]} ${formatHyperparameter(key, h[key])}`
