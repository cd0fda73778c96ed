/**
 * The PyTorch engine's part of bench/train.ts: LeNet-5 (batch 64) on Fashion-MNIST and the CIFAR
 * ResNet-18 (batch 64 and 128) on a folder of random 32×32 PNGs, each trained through the training
 * service as `cnn-studio train --engine pytorch` trains (run folder, dataset thread, initial
 * weights, python, JSON lines, checkpoints converted into the database).
 *
 * Steady state (`samplesPerSecond`): the best stretch between two batch lines of epoch 1, on
 * python's clock (a line's `samplesPerSecond` is the images trained since training started over
 * the time since then, so its time is images ÷ speed; the app's clock would not do: lines read
 * while the app converts a checkpoint arrive together). A line comes after its batch, at most every
 * 250 ms: the warm-up batch before the first line is left out, as bench/train_torch.py leaves out
 * its warm-up step, and the best stretch is the cost on a shared machine, as train_torch.py's best
 * window: batches fed and stepped, their lines written, the control file checked.
 * `epochSamplesPerSecond` is train.py's own number for epoch 2, whose start the app spends
 * converting epoch 1's checkpoint into the database (on a 2-core machine, a core python wanted): a
 * cost per epoch, which a real epoch (thousands of batches) spreads thin and these few-batch epochs
 * do not. Start-up (the dataset decoded, the initial weights drawn, the folder written,
 * python and torch imported, the data loaded) is apart: from `training.start` to the first batch
 * line. No validation split. `modelPy` keeps each run's model.py so that plain PyTorch can time the
 * very same network.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { EventName } from '../src/shared/api/contract'
import type { BatchProgress, DatasetRef, Hyperparameters } from '../src/shared/api/training'
import { mulberry32 } from '../src/main/datasets/random'
import { pngBytes } from '../src/main/datasets/test-kit'
import { runFolder } from '../src/main/data-dir'
import { torchThreads } from '../src/main/pytorch/torch-engine'
import { createServices } from '../src/main/services'

export interface EngineResult {
  model: string
  batch: number
  threads: number
  device: string
  /** The best stretch between two batch lines of epoch 1 (python's clock). */
  samplesPerSecond: number
  /** train.py's number for epoch 2 (the previous checkpoint's conversion included). */
  epochSamplesPerSecond: number
  /** From training.start to the first batch line. */
  startupSeconds: number
  /** The run's model.py, kept for the plain-PyTorch timing of the same network. */
  modelPy: string
}

export interface EngineCase {
  model: 'lenet5-mnist' | 'resnet18-cifar'
  batch: number
  /**
   * Training images per epoch: a multiple of the batch size (and for ResNet-18 of its 10 classes),
   * so that every batch is whole; LeNet-5's `limit` may give a few more or fewer (its last line left out).
   */
  images: number
}

/** One class folder per CIFAR class, `perClass` random 32×32 RGB PNGs each in train/, 2 in test/. */
function randomImageFolder(dir: string, perClass: number): string {
  const random = mulberry32(3)
  for (const [split, count] of [
    ['train', perClass],
    ['test', 2],
  ] as const)
    for (let c = 0; c < 10; c++) {
      const folder = path.join(dir, split, `class${c}`)
      mkdirSync(folder, { recursive: true })
      for (let i = 0; i < count; i++) {
        const byte = () => Math.floor(random() * 256)
        writeFileSync(
          path.join(folder, `${i}.png`),
          pngBytes(32, 32, () => [byte(), byte(), byte(), 255]),
        )
      }
    }
  return dir
}

/** Trains each case through the training service, two epochs, and reports its speeds. */
export async function measureEngine(cases: EngineCase[], keep: string): Promise<EngineResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cnn-studio-bench-engine-'))
  const seen: { event: EventName; payload: unknown; at: number }[] = []
  const services = createServices({
    dataDir: path.join(dir, 'data'),
    emit: (event, payload) => seen.push({ event, payload, at: performance.now() }),
  })
  const results: EngineResult[] = []
  try {
    for (const c of cases) {
      const { project } = await services['projects.create']({ name: c.model, template: c.model })
      const dataset: DatasetRef =
        c.model === 'lenet5-mnist'
          ? { builtin: 'fashion-mnist' }
          : { folder: randomImageFolder(path.join(dir, `images-${c.images}`), c.images / 10) }
      const hyperparameters: Partial<Hyperparameters> = {
        epochs: 2,
        batchSize: c.batch,
        validationSplit: 0,
        ...(c.model === 'lenet5-mnist' ? { limit: c.images } : {}),
      }
      const started = performance.now()
      const run = await services['training.start']({
        projectId: project.id,
        dataset,
        hyperparameters,
        engine: { name: 'pytorch', processes: 1, device: 'auto' },
      })
      const final = await services.settled(run.id)
      if (final.status !== 'finished')
        throw new Error(`the PyTorch engine's ${c.model} run ${final.status}: ${final.message}`)
      // The run settles at its done line; python has exited when the engine has removed checkpoints/.
      const folder = path.join(runFolder(path.join(dir, 'data'), run.id), 'pytorch')
      while (existsSync(path.join(folder, 'checkpoints'))) await new Promise((r) => setTimeout(r, 50))
      const detail = await services['runs.get']({ runId: run.id })
      const lines = seen.filter(
        (s) => s.event === 'training.batch' && (s.payload as BatchProgress).runId === run.id,
      )
      // Epoch 1's lines of whole batches: images trained = batch × batch size, at images ÷ speed.
      const whole = lines
        .map((s) => s.payload as BatchProgress)
        .filter((p) => p.epoch === 1 && p.batch * c.batch <= c.images)
        .map((p) => ({ images: p.batch * c.batch, at: (p.batch * c.batch) / p.samplesPerSecond }))
      let steady = 0
      for (let i = 1; i < whole.length; i++)
        steady = Math.max(steady, (whole[i].images - whole[i - 1].images) / (whole[i].at - whole[i - 1].at))
      if (!steady) throw new Error(`${c.model}: epoch 1 had fewer than two batch lines`)
      const first = lines[0]
      const modelPy = path.join(keep, `${c.model}-${c.batch}.model.py`)
      copyFileSync(path.join(folder, 'model.py'), modelPy)
      const result: EngineResult = {
        model: c.model,
        batch: c.batch,
        threads: torchThreads(1),
        device: final.device ?? '',
        samplesPerSecond: steady,
        epochSamplesPerSecond: detail.epochs[1].samplesPerSecond,
        startupSeconds: (first.at - started) / 1000,
        modelPy,
      }
      console.log(`  ${JSON.stringify(result)}`)
      results.push(result)
    }
  } finally {
    await services.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}
