import type { Hyperparameters } from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import type { NamedArray } from '../model/checkpoint'

/**
 * What the PyTorch engine needs of the generated project and the weight conversions
 * (docs/pytorch.md): model.py, config.json, the static python files, safetensors, and a
 * checkpoint's weights ⇄ the model's state dict. Named after the modules that provide them
 * (model-py.ts, config.ts, state-dict.ts, safetensors.ts, python/); the engine takes them as one
 * object so its process handling is tested against a stand-in script.
 */
export interface TorchParts {
  /** model.py for the graph. */
  modelPy(document: GraphDocument): string
  /** config.json's text: what train.py takes as its defaults. */
  configJson(config: TorchConfigInput): string
  /** The static files copied next to model.py (train.py, safetensors_io.py): name → source path. */
  pythonFiles(): Record<string, string>
  readSafetensors(bytes: Uint8Array): { tensors: TorchTensor[]; metadata: Record<string, string> }
  writeSafetensors(tensors: TorchTensor[], metadata?: Record<string, string>): Uint8Array
  /** A checkpoint's weights (TF.js model order and layouts) → `model.state_dict()`. */
  toStateDict(document: GraphDocument, weights: NamedArray[]): TorchTensor[]
  /** `model.state_dict()` → a checkpoint's weights, as TF.js loads them. */
  fromStateDict(document: GraphDocument, stateDict: TorchTensor[]): NamedArray[]
}

/** A tensor as safetensors stores it. */
export interface TorchTensor {
  name: string
  dtype: 'F32' | 'I64' | 'I32' | 'U8'
  shape: number[]
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array
}

/** Where train.py reads the dataset (docs/pytorch.md, config.json's `dataset`). */
export interface TorchDatasetSource {
  kind: 'idx' | 'cifar10' | 'tensors'
  path: string
  name: string
}

export interface TorchConfigInput {
  document: GraphDocument
  hyperparameters: Hyperparameters
  dataset: TorchDatasetSource
  classes: string[]
}
