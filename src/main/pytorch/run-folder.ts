import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { runFolder } from '../data-dir'
import type { TrainJob } from '../training/protocol'
import { torchConfig, type TorchDataset } from './config'
import type { ModelPlan } from './model-plan'
import { modelPy } from './model-py'
import { pythonFile } from './python-files'
import { writeResumePoint } from './torch-checkpoint'
import { INITIAL_WEIGHTS_FILE, TENSORS_FILE } from './torch-dataset'

/** A PyTorch run's folder, `<data folder>/runs/<run id>/pytorch/`, and what the engine puts in it. */
export interface RunFolder {
  root: string
  trainPy: string
  /** run, pause or stop: read by train.py between batches. */
  control: string
  /** Where train.py writes each epoch's files; emptied as the engine takes them. */
  checkpoints: string
  /** `--resume-from`: written from the run's last checkpoint when it resumes. */
  resume: string
  /** `--weights` of a new run: the initial weights TF.js draws for the run's seed. */
  initialWeights: string
}

export const torchFolderOf = (dataDir: string, runId: string): RunFolder => {
  const root = path.join(runFolder(dataDir, runId), 'pytorch')
  return {
    root,
    trainPy: path.join(root, 'train.py'),
    control: path.join(root, 'control'),
    checkpoints: path.join(root, 'checkpoints'),
    resume: path.join(root, 'resume'),
    initialWeights: path.join(root, INITIAL_WEIGHTS_FILE),
  }
}

/**
 * Writes the run's folder as docs/pytorch.md lays it out: model.py (from `plan`), train.py and
 * safetensors_io.py, config.json (torchConfig: model.py's class, the graph's input, the dataset's
 * classes and where train.py reads it, the run's hyperparameters), the dataset itself when it is an
 * image folder (`dataset`, which writes it into the folder), and where training starts: the resume
 * point when the run resumes, else the initial weights (`initialWeights`, the dataset thread's).
 * What an earlier attempt left (checkpoint files, an old resume point) is removed first.
 */
export function writeRunFolder(
  job: TrainJob,
  plan: ModelPlan,
  classes: string[],
  dataset: (dir: string) => TorchDataset,
  initialWeights: Uint8Array | null,
): RunFolder {
  const f = torchFolderOf(job.dataDir, job.runId)
  removeRunScratch(f)
  mkdirSync(f.checkpoints, { recursive: true })
  const config = torchConfig({
    model: plan.className,
    input: plan.graph.input,
    classes,
    dataset: dataset(f.root),
    hyperparameters: job.hyperparameters,
  })
  writeFileSync(path.join(f.root, 'model.py'), modelPy(plan))
  for (const name of ['train.py', 'safetensors_io.py'] as const)
    copyFileSync(pythonFile(name), path.join(f.root, name))
  writeFileSync(path.join(f.root, 'config.json'), `${JSON.stringify(config, null, 2)}\n`)
  if (job.resume) writeResumePoint(f.resume, job.resume, plan)
  else if (initialWeights) writeFileSync(f.initialWeights, initialWeights)
  else throw new Error('a new run needs its initial weights')
  return f
}

/**
 * Removes what only a live run needs (checkpoint files, the resume point or initial weights, the
 * decoded dataset),
 * keeping model.py, train.py and config.json to look at until the run is deleted.
 */
export function removeRunScratch(f: RunFolder): void {
  for (const p of [
    f.checkpoints,
    f.resume,
    f.initialWeights,
    path.join(f.root, TENSORS_FILE),
    `${f.control}.tmp`,
  ])
    rmSync(p, { recursive: true, force: true })
}

/** Writes run, pause or stop to the control file, atomically: train.py never reads half a word. */
export function writeControl(f: RunFolder, state: 'run' | 'pause' | 'stop'): void {
  writeFileSync(`${f.control}.tmp`, state)
  renameSync(`${f.control}.tmp`, f.control)
}

/** A TCP port free on 127.0.0.1 now, for torch.distributed.run's rendezvous. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
