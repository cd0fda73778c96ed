import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect } from 'vitest'
import type { Hyperparameters } from '../../shared/api/training'
import { mulberry32 } from '../datasets/random'
import { torchConfig, type TorchDataset } from './config'
import { torchPython } from '../../../test/pytorch-test-kit'
import { parseTrainEvent, type TrainEvent } from './events'

/** For train.py's tests: a python with torch, run folders as the export writes them, and runs read as events. */

const HERE = fileURLToPath(new URL('.', import.meta.url))
export const PYTHON_DIR = path.join(HERE, 'python')
const FIXTURES = path.join(HERE, 'fixtures')

/** The python with torch (find-torch.ts's candidates), or null: the tests skip (CI requires it). */
export const TORCH_PYTHON = torchPython()

const folders: string[] = []

/** A temporary folder, removed after the file's tests. */
export function tempFolder(prefix = 'cnn-studio-trainpy-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  folders.push(dir)
  return dir
}

/** `describe` where torch is installed (the file's temporary folders removed after it); skipped, saying why, elsewhere. */
export function describeTorch(name: string, fn: () => void): void {
  if (!TORCH_PYTHON) {
    // Only where torch is missing and not required: with CNN_STUDIO_REQUIRE_TORCH=1 (CI) torchPython()
    // throws instead (noTorch in test/pytorch-test-kit.ts), so CI never skips these.
    describe.skip(`${name} (skipped: no python3 with torch; apt-get install python3-torch)`, fn)
    return
  }
  describe(name, () => {
    afterAll(() => {
      for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true })
    })
    fn()
  })
}

/** A safetensors file of uint8 tensors (the layout safetensors_io.py reads), written here independently. */
function safetensorsU8(
  tensors: Record<string, { shape: number[]; data: Uint8Array }>,
  metadata: Record<string, string>,
) {
  const header: Record<string, unknown> = { __metadata__: metadata }
  let offset = 0
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'U8', shape: t.shape, data_offsets: [offset, offset + t.data.length] }
    offset += t.data.length
  }
  const json = Buffer.from(JSON.stringify(header))
  const size = Buffer.alloc(8)
  size.writeBigUInt64LE(BigInt(json.length))
  return Buffer.concat([size, json, ...Object.values(tensors).map((t) => t.data)])
}

/**
 * A learnable three-class `tensors` dataset: 12×12 grey images whose class is where a bright square
 * sits (left, middle, right), with noise. Deterministic for a seed.
 */
export function writeSquares(file: string, counts = { train: 300, test: 60 }, seed = 7): void {
  const random = mulberry32(seed)
  const split = (n: number) => {
    const data = new Uint8Array(n * 144)
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 3)
    for (let i = 0; i < n; i++)
      for (let p = 0; p < 144; p++) {
        const [r, c] = [Math.floor(p / 12), p % 12]
        const bright = r >= 2 && r < 6 && c >= 1 + 4 * labels[i] && c < 5 + 4 * labels[i]
        data[i * 144 + p] = Math.floor(random() * 60) + (bright ? 150 : 0)
      }
    return { images: { shape: [n, 12, 12, 1], data }, labels: { shape: [n], data: labels } }
  }
  const [train, test] = [split(counts.train), split(counts.test)]
  const tensors = {
    train_images: train.images,
    train_labels: train.labels,
    test_images: test.images,
    test_labels: test.labels,
  }
  writeFileSync(file, safetensorsU8(tensors, { classes: JSON.stringify(['left', 'middle', 'right']) }))
}

export type FixtureModel = 'lenet' | 'batchnorm' | 'lenet5' | 'linear'

/**
 * A run folder as the export writes it: train.py, safetensors_io.py, a hand-written model.py and
 * config.json (built by torchConfig). The dataset: the squares (train 300, test 60) unless given.
 */
export function makeRunFolder(
  options: { model?: FixtureModel; hyperparameters?: Partial<Hyperparameters>; dataset?: TorchDataset } = {},
): string {
  const dir = tempFolder()
  for (const f of ['train.py', 'safetensors_io.py']) copyFileSync(path.join(PYTHON_DIR, f), path.join(dir, f))
  const model = options.model ?? 'lenet'
  copyFileSync(path.join(FIXTURES, `${model}_model.py`), path.join(dir, 'model.py'))
  let dataset = options.dataset
  if (!dataset) {
    writeSquares(path.join(dir, 'squares.safetensors'))
    dataset = { kind: 'tensors', path: path.join(dir, 'squares.safetensors'), name: 'squares' }
  }
  const side = model === 'lenet5' ? 28 : 12
  const config = torchConfig({
    model: model === 'lenet5' ? 'LeNet5' : 'Tiny',
    input: { height: side, width: side, channels: 1 },
    classes: null,
    dataset,
    hyperparameters: { epochs: 1, batchSize: 16, learningRate: 0.01, ...options.hyperparameters },
  })
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2))
  return dir
}

export interface TrainRun {
  code: number | null
  events: TrainEvent[]
  stderr: string
}

/** A running train.py: its events so far, a wait for one, and its end. */
export interface TrainProcess {
  pid: number
  events: TrainEvent[]
  waitFor(type: TrainEvent['type'], accept?: (e: TrainEvent) => boolean): Promise<TrainEvent>
  kill(signal: NodeJS.Signals): void
  done: Promise<TrainRun>
}

/** The arguments every test run gets: JSON lines, the CPU, one thread (the machine is shared). */
export const TEST_ARGS = ['--json', '--device', 'cpu', '--threads', '1']

/**
 * Starts `python3 train.py ARGS` in `folder` (or `launcher … train.py ARGS`, e.g. torchrun), every
 * stdout line parsed as an event: a line that is not one fails the run's `done`.
 */
export function startTrain(
  folder: string,
  args: string[],
  options: { launcher?: string[]; env?: NodeJS.ProcessEnv } = {},
): TrainProcess {
  const launcher = options.launcher ?? []
  const child = spawn(TORCH_PYTHON!, [...launcher, 'train.py', ...TEST_ARGS, ...args], {
    cwd: folder,
    env: { ...process.env, OMP_NUM_THREADS: '1', ...options.env },
  })
  const events: TrainEvent[] = []
  const waiters: { accept: (e: TrainEvent) => boolean; resolve: (e: TrainEvent) => void }[] = []
  let stdout = ''
  let stderr = ''
  let bad: Error | null = null
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    let nl: number
    while ((nl = stdout.indexOf('\n')) >= 0) {
      const line = stdout.slice(0, nl)
      stdout = stdout.slice(nl + 1)
      try {
        const event = parseTrainEvent(line)
        events.push(event)
        for (const w of waiters.filter((w) => w.accept(event))) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(event)
        }
      } catch (e) {
        bad ??= e as Error
      }
    }
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const done = new Promise<TrainRun>((resolve, reject) =>
    child.on('close', (code) => {
      if (bad) reject(new Error(`${bad.message}\nstderr:\n${stderr}`))
      else resolve({ code, events, stderr })
    }),
  )
  return {
    pid: child.pid!,
    events,
    done,
    kill: (signal) => child.kill(signal),
    waitFor(type, accept = () => true) {
      const wanted = (e: TrainEvent) => e.type === type && accept(e)
      const seen = events.find(wanted)
      if (seen) return Promise.resolve(seen)
      const ended = done.then((r) => {
        throw new Error(`train.py ended (code ${r.code}) before a ${type} event.\nstderr:\n${r.stderr}`)
      })
      return Promise.race([
        new Promise<TrainEvent>((resolve) => waiters.push({ accept: wanted, resolve })),
        ended,
      ])
    },
  }
}

export const runTrain = (folder: string, args: string[], options?: Parameters<typeof startTrain>[2]) =>
  startTrain(folder, args, options).done

/** The events of one type, narrowed. */
export function eventsOf<T extends TrainEvent['type']>(events: TrainEvent[], type: T) {
  return events.filter((e): e is Extract<TrainEvent, { type: T }> => e.type === type)
}

/** Runs a python snippet with train.py's folder importable; returns its stdout parsed as JSON. */
export function pythonJson(script: string, input?: string): unknown {
  const r = spawnSync(TORCH_PYTHON!, ['-c', script], {
    cwd: PYTHON_DIR,
    encoding: 'utf8',
    input,
    maxBuffer: 1 << 28,
    env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONPATH: PYTHON_DIR },
  })
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`)
  return JSON.parse(r.stdout)
}

/** A safetensors file's tensors (F32 and I64 as numbers) and metadata, read here independently of python. */
export function readSafetensors(file: string): {
  tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>
  metadata: Record<string, string>
} {
  const bytes = readFileSync(file)
  const size = Number(bytes.readBigUInt64LE(0))
  const header = JSON.parse(bytes.subarray(8, 8 + size).toString()) as Record<string, unknown>
  const { __metadata__: metadata = {}, ...entries } = header
  const tensors: ReturnType<typeof readSafetensors>['tensors'] = {}
  for (const [name, info] of Object.entries(entries as Record<string, SafetensorsEntry>)) {
    const [begin, end] = info.data_offsets.map((o) => o + 8 + size)
    const raw = bytes.subarray(begin, end)
    const values =
      info.dtype === 'F32'
        ? Array.from({ length: raw.length / 4 }, (_, i) => raw.readFloatLE(4 * i))
        : info.dtype === 'I64'
          ? Array.from({ length: raw.length / 8 }, (_, i) => Number(raw.readBigInt64LE(8 * i)))
          : Array.from(raw)
    tensors[name] = { dtype: info.dtype, shape: info.shape, values }
  }
  return { tensors, metadata: metadata as Record<string, string> }
}
interface SafetensorsEntry {
  dtype: string
  shape: number[]
  data_offsets: [number, number]
}

/** The largest difference between the same tensors of two weight files (they must hold the same names). */
export function maxWeightDifference(a: string, b: string): number {
  const [ta, tb] = [readSafetensors(a).tensors, readSafetensors(b).tensors]
  expect(Object.keys(tb).sort()).toEqual(Object.keys(ta).sort())
  let max = 0
  for (const [name, t] of Object.entries(ta))
    t.values.forEach((v, i) => (max = Math.max(max, Math.abs(v - tb[name].values[i]))))
  return max
}

/** Writes `text` into `file` as the app does: a temporary file renamed over it. */
export function writeControl(file: string, text: 'run' | 'pause' | 'stop'): void {
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}
