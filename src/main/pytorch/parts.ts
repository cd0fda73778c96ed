import type { TorchParts } from './torch-parts'

/**
 * The generated project's parts as the engine uses them. INTERIM, until model-py.ts, config.ts,
 * state-dict.ts, safetensors.ts and the python files are merged: every part refuses, so a
 * PyTorch run fails with this message instead of training.
 */
const missing = (part: string) => (): never => {
  throw new Error(`this build lacks ${part}: the PyTorch engine's project generator is not merged yet.`)
}

export const TORCH_PARTS: TorchParts = {
  modelPy: missing('model.py generation (model-py.ts)'),
  configJson: missing('config.json (config.ts)'),
  pythonFiles: missing('train.py'),
  readSafetensors: missing('safetensors.ts'),
  writeSafetensors: missing('safetensors.ts'),
  toStateDict: missing('state-dict.ts'),
  fromStateDict: missing('state-dict.ts'),
}
