import path from 'node:path'
import { hyperparametersSchema, type DatasetRef, type Hyperparameters } from '../../shared/api/training'
import type { Normalization } from '../datasets/batches'
import { BUILTINS, builtinFolder } from '../datasets/catalog'

/** config.json beside train.py: its defaults (docs/pytorch.md). */
export const TORCH_CONFIG_FORMAT = 'cnn-studio/pytorch@1'

/** How train.py reads a dataset: MNIST's IDX files, CIFAR-10's batches, an image folder, or a safetensors file. */
export type TorchDatasetKind = 'idx' | 'cifar10' | 'folder' | 'tensors'

export interface TorchDataset {
  kind: TorchDatasetKind
  /** Absolute: the folder, or the file for `tensors`. */
  path: string
  /** For messages: "Fashion-MNIST", the folder's name. */
  name: string
}

export interface TorchConfig {
  format: typeof TORCH_CONFIG_FORMAT
  /** model.py's class. */
  model: string
  input: { height: number; width: number; channels: number }
  /** Class names in label order, or null when unknown (train.py then takes the dataset's). */
  classes: string[] | null
  /** Null for an export without one: train.py then needs --data and --dataset-kind. */
  dataset: TorchDataset | null
  /** Complete: every key of hyperparametersSchema. */
  hyperparameters: Hyperparameters
  /** The standardisation the weights were trained with (inference); train.py recomputes its own. */
  normalization: Normalization | null
}

/**
 * Where train.py finds one of the app's datasets: a built-in's folder on this machine, found as the
 * app's training finds it (its data folder, then Debian's Fashion-MNIST), or an image folder. A
 * built-in that is not here is the DatasetFileError that says how to get it.
 */
export function torchDataset(ref: DatasetRef, dataDir: string): TorchDataset {
  if ('builtin' in ref) {
    const folder = builtinFolder(ref.builtin, dataDir)
    return {
      kind: ref.builtin === 'cifar10' ? 'cifar10' : 'idx',
      path: folder,
      name: BUILTINS[ref.builtin].name,
    }
  }
  const folder = path.resolve(ref.folder)
  return { kind: 'folder', path: folder, name: path.basename(folder) }
}

/** config.json cannot be written as asked (a programming error in the caller, named precisely). */
export class TorchConfigError extends Error {}

const PYTHON_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** config.json's content, hyperparameters completed with the schema's defaults. */
export function torchConfig(options: {
  model: string
  input: TorchConfig['input']
  classes: string[] | null
  dataset: TorchDataset | null
  hyperparameters: Partial<Hyperparameters>
  normalization?: Normalization | null
}): TorchConfig {
  if (!PYTHON_NAME.test(options.model))
    throw new TorchConfigError(
      `'${options.model}' is not a Python class name (letters, digits, _; no leading digit).`,
    )
  const { height, width, channels } = options.input
  if (![height, width, channels].every((n) => Number.isInteger(n) && n >= 1))
    throw new TorchConfigError(`The input must be whole positive sizes; got ${height}×${width}×${channels}.`)
  if (options.dataset && !path.isAbsolute(options.dataset.path))
    throw new TorchConfigError(
      `The dataset path ${options.dataset.path} must be absolute: config.json moves with its folder.`,
    )
  return {
    format: TORCH_CONFIG_FORMAT,
    model: options.model,
    input: { height, width, channels },
    classes: options.classes,
    dataset: options.dataset,
    hyperparameters: hyperparametersSchema.parse(options.hyperparameters),
    normalization: options.normalization ?? null,
  }
}
