import { mkdirSync, writeFileSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import {
  decodeTensorBlob,
  decodeTensors,
  encodeTensors,
  type Checkpoint,
  type NamedArray,
  type ResumeState,
} from '../model/checkpoint'
import type { ModelPlan } from './model-plan'
import { asFloat32, decodeSafetensors, encodeSafetensors, f32Tensor, type SafeTensor } from './safetensors'
import { fromStateDict, toStateDict } from './state-dict'

/** A `checkpoint` line's files (docs/pytorch.md). */
export interface TorchCheckpointFiles {
  epoch: number
  weights: string
  optimizer: string
  isBest: boolean
}

/** An optimizer state tensor as our blob holds it (train.py writes every one F32, `step` included). */
const named = (t: SafeTensor): NamedArray => ({
  name: t.name,
  dtype: 'float32',
  shape: t.shape,
  data: asFloat32(t),
})

/**
 * A PyTorch checkpoint as ours: the state dict converted to the TF.js model's weights (order and
 * layouts: evaluation and ONNX export load it as any other run's), the optimizer state as a tensor
 * blob with torch's names and its metadata (`param_groups`, `optimizer`) kept. The files are
 * deleted after.
 */
export async function readTorchCheckpoint(files: TorchCheckpointFiles, plan: ModelPlan): Promise<Checkpoint> {
  const [weights, optimizer] = await Promise.all([readFile(files.weights), readFile(files.optimizer)])
  const stateDict = decodeSafetensors(new Uint8Array(weights), path.basename(files.weights))
  const state = decodeSafetensors(new Uint8Array(optimizer), path.basename(files.optimizer))
  const checkpoint: Checkpoint = {
    epoch: files.epoch,
    weights: encodeTensors(fromStateDict(plan, stateDict)),
    optimizer: encodeTensors(state.tensors.map(named), state.metadata),
    isBest: files.isBest,
  }
  await Promise.all([rm(files.weights, { force: true }), rm(files.optimizer, { force: true })])
  return checkpoint
}

/**
 * The folder `--resume-from` reads (docs/pytorch.md): `state.json` (the epoch and the run's
 * progress), `weights.safetensors` (the state dict of the last checkpoint's weights) and
 * `optimizer.safetensors` (its optimizer state, as train.py saved it).
 */
export function writeResumePoint(dir: string, resume: ResumeState, plan: ModelPlan): void {
  mkdirSync(dir, { recursive: true })
  const { checkpoint, ...progress } = resume
  const weights = toStateDict(plan, decodeTensors(checkpoint.weights))
  writeFileSync(path.join(dir, 'weights.safetensors'), encodeSafetensors(weights))
  const state = decodeTensorBlob(checkpoint.optimizer, 'checkpoint optimizer state')
  writeFileSync(
    path.join(dir, 'optimizer.safetensors'),
    encodeSafetensors(
      state.tensors.map((t) => {
        if (!(t.data instanceof Float32Array)) throw new Error(`optimizer tensor ${t.name} is not float32`)
        return f32Tensor(t.name, t.shape, t.data)
      }),
      state.metadata,
    ),
  )
  writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ epoch: checkpoint.epoch, progress }))
}
