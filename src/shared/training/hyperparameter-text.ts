import type { Hyperparameters } from '../api/training'

/**
 * Words for each hyperparameter, in one place for every face of it: the training panel's labels
 * (the accessible names its tests use), help texts and option names, and `cnn-studio train --help`.
 * The types, ranges and defaults come from `hyperparametersSchema`; a key without words here is a
 * compile error.
 */
export interface HyperparameterText {
  label: string
  help?: string
  /** Display names of an enum's values. */
  options?: Record<string, string>
}

export const HYPERPARAMETER_TEXT: Record<keyof Hyperparameters, HyperparameterText> = {
  epochs: { label: 'Epochs', help: 'Passes over the training images.' },
  batchSize: { label: 'Batch size', help: 'Images per optimizer step.' },
  optimizer: {
    label: 'Optimizer',
    options: { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop' },
  },
  learningRate: { label: 'Learning rate' },
  momentum: { label: 'Momentum', help: 'Below 1; 0.9 is usual.' },
  nesterov: { label: 'Nesterov momentum' },
  weightDecay: { label: 'Weight decay', help: 'Decoupled, on kernels only; 0: off.' },
  schedule: {
    label: 'Schedule',
    help: 'How the learning rate changes over the epochs.',
    options: { constant: 'constant', step: 'step decay', cosine: 'cosine', exponential: 'exponential' },
  },
  stepEpochs: { label: 'Step epochs', help: 'Epochs between decays.' },
  gamma: { label: 'Gamma', help: 'Factor per decay (per epoch for exponential).' },
  warmupEpochs: { label: 'Warm-up epochs', help: 'Linear warm-up from 0; fractions allowed.' },
  validationSplit: { label: 'Validation split', help: 'Share of training images held out (0 to 0.5).' },
  patience: { label: 'Early-stopping patience (0: off)', help: 'Epochs without a better validation loss.' },
  flip: { label: 'Random horizontal flip' },
  cropPadding: { label: 'Random crop padding', help: 'Pixels of padding for random crops; 0: off.' },
  normalize: {
    label: 'Normalise',
    options: { unit: 'pixels / 255', standardize: 'per-channel mean and std' },
  },
  seed: { label: 'Seed', help: 'Same seed, same shuffles and initial weights.' },
  microBatch: { label: 'Micro-batch (0: whole batch)', help: 'Same step with less memory.' },
  limit: { label: 'Use N training images (0: all)', help: 'A stratified subset, for quick trials.' },
}
