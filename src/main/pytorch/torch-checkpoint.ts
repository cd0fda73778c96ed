import { mkdirSync, writeFileSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import type { GraphDocument } from '../../shared/graph/document'
import {
  decodeTensorBlob,
  decodeTensors,
  encodeTensors,
  type Checkpoint,
  type NamedArray,
  type ResumeState,
} from '../model/checkpoint'
import type { TorchParts, TorchTensor } from './torch-parts'

/** A `checkpoint` line's files (docs/pytorch.md). */
export interface TorchCheckpointFiles {
  epoch: number
  weights: string
  optimizer: string
  isBest: boolean
}

/** An optimizer state tensor as our blob holds it: float32, or int32 for integer tensors. */
function named(t: TorchTensor): NamedArray {
  if (t.dtype === 'F32')
    return { name: t.name, dtype: 'float32', shape: t.shape, data: t.data as Float32Array }
  if (t.dtype === 'U8') throw new Error(`optimizer tensor ${t.name} is uint8, which no optimizer state is`)
  const data = Int32Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v))
  return { name: t.name, dtype: 'int32', shape: t.shape, data }
}

const torchOf = (a: NamedArray): TorchTensor => ({
  name: a.name,
  dtype: a.dtype === 'float32' ? 'F32' : 'I32',
  shape: a.shape,
  data: a.data,
})

/**
 * A PyTorch checkpoint as ours: the state dict converted to the TF.js model's weights (order and
 * layouts: evaluation and ONNX export load it as any other run's), the optimizer state as a tensor
 * blob with torch's names and its `param_groups` kept as metadata. The files are deleted after.
 */
export async function readTorchCheckpoint(
  files: TorchCheckpointFiles,
  document: GraphDocument,
  parts: Pick<TorchParts, 'readSafetensors' | 'fromStateDict'>,
): Promise<Checkpoint> {
  const [weights, optimizer] = await Promise.all([readFile(files.weights), readFile(files.optimizer)])
  const stateDict = parts.readSafetensors(new Uint8Array(weights))
  const state = parts.readSafetensors(new Uint8Array(optimizer))
  const checkpoint: Checkpoint = {
    epoch: files.epoch,
    weights: encodeTensors(parts.fromStateDict(document, stateDict.tensors)),
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
export function writeResumePoint(
  dir: string,
  resume: ResumeState,
  document: GraphDocument,
  parts: Pick<TorchParts, 'writeSafetensors' | 'toStateDict'>,
): void {
  mkdirSync(dir, { recursive: true })
  const { checkpoint, ...progress } = resume
  const weights = parts.toStateDict(document, decodeTensors(checkpoint.weights))
  writeFileSync(path.join(dir, 'weights.safetensors'), parts.writeSafetensors(weights))
  if (checkpoint.optimizer.length) {
    const state = decodeTensorBlob(checkpoint.optimizer, 'checkpoint optimizer state')
    writeFileSync(
      path.join(dir, 'optimizer.safetensors'),
      parts.writeSafetensors(state.tensors.map(torchOf), state.metadata),
    )
  }
  writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ epoch: checkpoint.epoch, progress }))
}
