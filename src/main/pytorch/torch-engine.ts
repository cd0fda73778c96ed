import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { availableParallelism } from 'node:os'
import { createInterface } from 'node:readline'
import type { Worker } from 'node:worker_threads'
import type { EngineChoice, TorchFound } from '../../shared/api/training'
import type { DatasetRow } from '../db/datasets-repo'
import type { EngineWorker, RunEvent, ToWorker, TrainJob } from '../training/protocol'
import { parseTrainEvent, type TrainEvent } from './events'
import { planModel, type ModelPlan } from './model-plan'
import { readTorchCheckpoint } from './torch-checkpoint'
import { loadInThread, torchDatasetSource } from './torch-dataset'
import { freePort, removeRunScratch, writeControl, writeRunFolder, type RunFolder } from './run-folder'
import { StderrTail } from './stderr-tail'
import { TORCHRUN } from './torchrun-shim'

export interface TorchEngineOptions {
  /** The python with PyTorch (find-torch.ts). */
  found: TorchFound
  /** Starts the thread that decodes the dataset (dataset-worker.ts). */
  spawnDatasetThread: () => Worker
  /** How long a terminated python has to exit after SIGTERM before SIGKILL. */
  killGraceMs?: number
}

type PyTorchChoice = Extract<EngineChoice, { name: 'pytorch' }>
type ControlState = 'run' | 'pause' | 'stop'

/**
 * Threads per python process: the machine's cores shared between the processes (PyTorch's own
 * default can be 1 where OpenMP sees no cores).
 */
export const torchThreads = (processes: number): number =>
  Math.max(1, Math.floor(availableParallelism() / processes))

/** The arguments that start train.py in `folder`: under torch.distributed.run when several processes. */
export function torchCommand(
  found: TorchFound,
  engine: PyTorchChoice,
  folder: RunFolder,
  extra: { port: number; resume: boolean; threads: number },
): { command: string; args: string[] } {
  const script = [
    folder.trainPy,
    '--json',
    '--control',
    folder.control,
    '--parent-pid',
    String(process.pid),
    '--checkpoints',
    folder.checkpoints,
    '--device',
    engine.device,
    '--threads',
    String(extra.threads),
    ...(extra.resume ? ['--resume-from', folder.resume] : ['--weights', folder.initialWeights]),
  ]
  if (engine.processes === 1) return { command: found.python, args: script }
  // torch.distributed.run (through TORCHRUN's fix); not --standalone, whose port is fixed in
  // PyTorch 1.13: two runs at once would meet there.
  return {
    command: found.python,
    args: [
      '-c',
      TORCHRUN,
      '--nnodes',
      '1',
      '--nproc_per_node',
      String(engine.processes),
      '--master_addr',
      '127.0.0.1',
      '--master_port',
      String(extra.port),
      ...script,
    ],
  }
}

/**
 * The PyTorch engine of one run, with the surface of a training worker thread (EngineWorker) so
 * the training service drives it as it drives TF.js. On `start` it writes the run's folder
 * (model.py, train.py, config.json, the dataset for image folders, the resume point), starts
 * python (or torch.distributed.run) on it, and turns its JSON lines into RunEvents: checkpoints
 * become ours (the weights in TF.js order and layouts, so evaluation and export work unchanged)
 * and their files are deleted. Pause, resume and stop are written to the control file. A python
 * that ends without `done` fails the run with the last lines it wrote on stderr. Nothing here
 * throws out of an event: every fault ends the run as failed.
 */
export function createTorchEngine(options: TorchEngineOptions): EngineWorker {
  const events = new EventEmitter()
  const stderr = new StderrTail(40)
  let control: ControlState = 'run'
  let folder: RunFolder | null = null
  let child: ChildProcess | null = null
  let datasetThread: Worker | null = null
  let doneSeen = false
  let terminated = false
  let exited = false
  const closed = new Promise<void>((resolve) => events.once('closed', resolve))

  const report = (event: RunEvent) => {
    if (doneSeen || exited) return
    if (event.type === 'done') doneSeen = true
    events.emit('message', event)
  }
  const fail = (message: string, resumable = false) => {
    report({ type: 'done', status: 'failed', message, test: null, ...(resumable ? { resumable } : {}) })
    if (child) return stopProcess()
    // Before python: nothing more starts.
    terminated = true
    exit(1)
  }
  /** Ends the engine: `exit` once, after the last event, with the folder's scratch files removed. */
  const exit = (code: number) => {
    if (exited) return
    exited = true
    if (folder) removeRunScratch(folder)
    events.emit('exit', code)
    events.emit('closed')
  }

  function stopProcess() {
    const c = child
    if (!c || c.exitCode !== null || c.signalCode !== null) return
    signal(c, 'SIGTERM')
    const late = setTimeout(() => signal(c, 'SIGKILL'), options.killGraceMs ?? 5000)
    late.unref()
    c.once('close', () => clearTimeout(late))
  }

  function setControl(state: ControlState) {
    control = state
    // Before the folder exists, the state is written with it.
    if (!folder) return
    try {
      writeControl(folder, state)
    } catch (e) {
      fail(
        `PyTorch could not be told to ${state === 'run' ? 'resume' : state} (${(e as Error).message}); it was ended. Resume the run to continue from its last checkpoint.`,
        true,
      )
    }
  }

  async function start(job: TrainJob) {
    const engine = job.engine?.name === 'pytorch' ? job.engine : null
    if (!engine) return fail('The PyTorch engine was given a job for another engine.')
    let row: DatasetRow
    let plan: ModelPlan
    try {
      const loaded = await loadInThread(
        {
          document: job.document,
          dataset: job.dataset,
          dataDir: job.dataDir,
          withImages: 'folder' in job.dataset,
          initialSeed: job.resume ? null : job.hyperparameters.seed,
        },
        () => (datasetThread = options.spawnDatasetThread()),
      )
      datasetThread = null
      if (loaded.type === 'failed') return fail(loaded.message)
      if (terminated) return exit(1)
      row = loaded.row
      plan = planModel(job.document, { classes: row.classes })
      folder = writeRunFolder(
        job,
        plan,
        row.classes,
        (dir) => torchDatasetSource(job.dataset, job.dataDir, loaded.images, row.classes, dir),
        loaded.initialWeights,
      )
      writeControl(folder, control)
    } catch (e) {
      return fail(`The PyTorch run could not be prepared: ${(e as Error).message}`)
    }
    if (control === 'stop') {
      report({ type: 'done', status: 'stopped', message: 'Stopped before training started.', test: null })
      return exit(0)
    }
    const { command, args } = torchCommand(options.found, engine, folder, {
      port: engine.processes > 1 ? await freePort() : 0,
      resume: !!job.resume,
      threads: torchThreads(engine.processes),
    })
    if (terminated) return exit(1)
    run(command, args, folder, plan, row)
  }

  function run(command: string, args: string[], dir: RunFolder, plan: ModelPlan, row: DatasetRow) {
    const c = spawn(command, args, {
      cwd: dir.root,
      // Its own process group: Ctrl+C in a terminal reaches the app, which stops the run in order.
      detached: process.platform !== 'win32',
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    })
    child = c
    let lines = Promise.resolve()
    createInterface({ input: c.stdout! }).on('line', (line) => {
      lines = lines.then(() => handle(line, plan, row)).catch((e: Error) => fail(e.message))
    })
    createInterface({ input: c.stderr! }).on('line', (line) => stderr.push(line))
    c.once('error', (e) =>
      fail(
        `Python could not be started (${command}: ${e.message}). Check that it still exists, or set CNN_STUDIO_PYTHON.`,
      ),
    )
    c.once('close', (code, sig) => {
      void lines.then(() => {
        if (!doneSeen && !terminated) fail(exitMessage(code, sig, stderr.text()), sig !== null)
        exit(code ?? 1)
      })
    })
  }

  /**
   * One line of train.py's stdout: an event (events.ts) reported as ours. A line that is not JSON
   * (a launcher's or library's words) joins the stderr tail; a JSON line that is not an event
   * this app knows fails the run, quoting it.
   */
  async function handle(text: string, plan: ModelPlan, row: DatasetRow) {
    if (!text.trimStart().startsWith('{')) {
      if (text.trim()) stderr.push(text)
      return
    }
    let line: TrainEvent
    try {
      line = parseTrainEvent(text)
    } catch (e) {
      return fail(`PyTorch failed: ${(e as Error).message}`)
    }
    switch (line.type) {
      case 'started':
        return report({
          type: 'started',
          backend: 'pytorch',
          device: torchDevice(line),
          dataset: row,
          samples: line.samples,
        })
      case 'epoch': {
        const { type: _, valLoss, ...metrics } = line
        // JSON has no NaN: an evaluation loss that overflowed comes as null (the runs table skips NaN).
        return report({
          type: 'epoch',
          metrics: { ...metrics, ...(valLoss !== undefined ? { valLoss: valLoss ?? NaN } : {}) },
        })
      }
      case 'checkpoint': {
        let checkpoint
        try {
          checkpoint = await readTorchCheckpoint(line, plan)
        } catch (e) {
          return fail(
            `The PyTorch checkpoint of epoch ${line.epoch} could not be read: ${(e as Error).message}`,
          )
        }
        return report({ type: 'checkpoint', checkpoint, progress: line.progress })
      }
      case 'done': {
        const test = line.test && { loss: line.test.loss ?? NaN, accuracy: line.test.accuracy }
        return report({ type: 'done', status: line.status, message: line.message, test })
      }
      default:
        return report(line)
    }
  }

  const engine = {
    postMessage(m: ToWorker) {
      if (m.type === 'start')
        void start(m.job).catch((e: Error) => fail(`The PyTorch engine failed: ${e.message}`))
      else setControl(m.type === 'pause' ? 'pause' : m.type === 'stop' ? 'stop' : 'run')
    },
    on(event: string, listener: (value: never) => void) {
      events.on(event, listener as (value: unknown) => void)
      return engine
    },
    terminate() {
      terminated = true
      if (datasetThread) void datasetThread.terminate()
      if (child && child.exitCode === null && child.signalCode === null) {
        stopProcess()
        return closed
      }
      // Never started, or already over: `exit` comes when the preparation notices (or came).
      if (!child) exit(1)
      return closed
    },
  }
  return engine as EngineWorker
}

/** Why python ended without `done`, in the run's message: its exit and the last lines it wrote. */
export function exitMessage(code: number | null, sig: NodeJS.Signals | null, tail: string): string {
  const how =
    sig !== null
      ? `the python process was killed (${sig}); resume the run to continue from its last checkpoint`
      : `python exited with status ${code} before the run ended`
  return `PyTorch failed: ${how}.${tail ? `\n${tail}` : ' It wrote nothing on stderr.'}`
}

/** Sends `sig` to python and everything it started (torch.distributed.run's processes). */
function signal(c: ChildProcess, sig: NodeJS.Signals) {
  try {
    if (process.platform === 'win32') {
      if (sig === 'SIGKILL' && c.pid) spawnSync('taskkill', ['/pid', String(c.pid), '/T', '/F'])
      else c.kill(sig)
    } else if (c.pid) process.kill(-c.pid, sig)
  } catch {
    // Already gone.
  }
}

/**
 * The run's device as the runs table records it: `CUDA: NVIDIA H100 80GB HBM3 via PyTorch 2.3.0,
 * 2 processes (nccl)`, `CPU: 2 threads via PyTorch 1.13.0`, `MPS: Apple M2 via PyTorch 2.3.0`.
 */
export function torchDevice(s: Extract<TrainEvent, { type: 'started' }>): string {
  const kind = s.device.split(':')[0]
  const what =
    kind === 'cuda'
      ? `CUDA: ${s.deviceName}`
      : kind === 'mps'
        ? `MPS: ${s.deviceName}`
        : `CPU: ${s.threads} thread${s.threads === 1 ? '' : 's'}`
  const processes =
    s.processes > 1 ? `, ${s.processes} processes${s.distributed ? ` (${s.distributed})` : ''}` : ''
  return `${what} via PyTorch ${s.torch}${processes}`
}
