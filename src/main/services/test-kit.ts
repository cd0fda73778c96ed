import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import path from 'node:path'
import type { EventName, EventPayload } from '../../shared/api/contract'
import type { GraphDocument } from '../../shared/graph/document'
import type { DB } from '../db/connection'
import { openDataDatabase } from '../db/open'
import { tempDir } from '../db/test-kit'
import { writeMnist } from '../datasets/test-kit'
import type { ToWorker } from '../training/protocol'
import { createServices, type Services, type ServicesOptions } from '.'

/** How the stand-in engine of {@link fakeEngine} behaves. */
export interface FakeEngineOptions {
  /** Batches per epoch (default 4). */
  batches?: number
  /** Milliseconds before each batch (default 10). */
  intervalMs?: number
  /** Bytes of each checkpoint's weights (default 64). */
  checkpointBytes?: number
  /** Never stops when asked to (a hung engine). */
  ignoreStop?: boolean
  /** Throws an Error with this message right after posting the batch of step `throwAt`. */
  throwAt?: number
  throwMessage?: string
  /** Events posted after `done` (an engine that misbehaves). */
  afterDone?: unknown[]
}

/**
 * A training engine stand-in: a worker thread that reports what the real one would (started, a
 * batch every `intervalMs`, epoch, checkpoint, done) for the job's epochs, continuing after a
 * resume's checkpoint, without TF.js. The supervisor is engine-agnostic, so faults around it are
 * tested fast with this; `jobs` collects what each spawned engine was asked to do.
 */
export function fakeEngine(options: FakeEngineOptions = {}) {
  const jobs: Extract<ToWorker, { type: 'start' }>['job'][] = []
  const workers: Worker[] = []
  const spawn = () => {
    const w = new Worker(ENGINE, { eval: true, workerData: options })
    const post = w.postMessage.bind(w)
    w.postMessage = (m: ToWorker) => {
      if (m.type === 'start') jobs.push(m.job)
      post(m)
    }
    workers.push(w)
    return w
  }
  return { spawn, jobs, workers }
}

const ENGINE = `
const { parentPort, workerData: o } = require('node:worker_threads')
const post = (e) => parentPort.postMessage(e)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
let stopped = false
parentPort.on('message', async (m) => {
  if (m.type === 'stop') { if (!o.ignoreStop) stopped = true; return }
  if (m.type !== 'start') return
  const job = m.job
  const B = o.batches ?? 4
  post({ type: 'started', backend: 'fake', device: 'a test engine',
    dataset: { id: 'mnist', name: 'MNIST', source: 'builtin', path: job.dataDir, sizeBytes: 1, samples: 20,
      classes: ['0','1','2','3','4','5','6','7','8','9'], contentHash: 'fake' },
    samples: { train: 16, validation: 2, test: 2 } })
  for (let epoch = (job.resume ? job.resume.checkpoint.epoch : 0) + 1; epoch <= job.hyperparameters.epochs; epoch++) {
    for (let b = 1; b <= B; b++) {
      await sleep(o.intervalMs ?? 10)
      if (stopped) { post({ type: 'done', status: 'stopped', message: 'Stopped by the user.', test: null }); return }
      const step = (epoch - 1) * B + b
      post({ type: 'batch', epoch, batch: b, batches: B, step, loss: 1 / step, samplesPerSecond: 100, etaSeconds: 1 })
      if (o.throwAt === step) throw new Error(o.throwMessage ?? 'boom')
    }
    post({ type: 'epoch', metrics: { epoch, trainLoss: 1 / epoch, trainAccuracy: 0.5, learningRate: 0.001, samplesPerSecond: 100 } })
    post({ type: 'checkpoint',
      checkpoint: { epoch, weights: new Uint8Array(o.checkpointBytes ?? 64).fill(epoch), optimizer: new Uint8Array(8), isBest: true },
      progress: { bestValLoss: 1 / epoch, bestEpoch: epoch, bestValScore: 0.5, epochsWithoutImprovement: 0 } })
  }
  post({ type: 'done', status: 'finished', message: null, test: { loss: 0.5, accuracy: 0.9 } })
  for (const e of o.afterDone ?? []) post(e)
})
`

/** A tiny MNIST (20 training images of 28×28) in `<dataDir>/datasets/mnist`, so `{ builtin: 'mnist' }` is found. */
export function writeTinyMnist(dataDir: string, train = 20, test = 10): void {
  const labels = (n: number) => Array.from({ length: n }, (_, i) => i % 10)
  writeMnist(
    path.join(dataDir, 'datasets', 'mnist'),
    { train: labels(train), test: labels(test) },
    { side: 28 },
  )
}

/**
 * Services over a fresh data folder (or `dir`) holding a tiny MNIST, recording every event; `next`
 * resolves at the first later event that passes its test.
 */
export function servicesWithEvents(options: Omit<ServicesOptions, 'emit'> & { dir?: string; db?: DB } = {}): {
  services: Services
  events: { event: EventName; payload: unknown }[]
  next: (test: (e: EventName, p: unknown) => boolean) => Promise<void>
  dir: string
  db: DB
} {
  const dir = options.dir ?? tempDir()
  writeTinyMnist(dir)
  const db = options.db ?? openDataDatabase(dir)
  const events: { event: EventName; payload: unknown }[] = []
  const waiting: { test: (e: EventName, p: unknown) => boolean; resolve: () => void }[] = []
  const services = createServices({
    ...options,
    dataDir: dir,
    db,
    emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
      events.push({ event, payload })
      for (const w of waiting.splice(0))
        if (w.test(event, payload)) w.resolve()
        else waiting.push(w)
    },
  })
  const next = (test: (e: EventName, p: unknown) => boolean) =>
    new Promise<void>((resolve) => waiting.push({ test, resolve }))
  return { services, events, next, dir, db }
}

/** A project made from the LeNet-5 (MNIST) template. */
export async function lenetProject(services: Services): Promise<string> {
  return (await services['projects.create']({ name: 'p', template: 'lenet5-mnist' })).project.id
}

/**
 * LeNet-5 with 2,000 filters in its first convolution, as project `name`: it fits Fashion-MNIST (a
 * dataset check passes) but not the wasm heap at large batches (the resource preflight refuses it).
 */
export async function wideLenetProject(services: Services, name = 'wide'): Promise<string> {
  const { project, document } = await services['projects.create']({ name, template: 'lenet5-mnist' })
  const wide = structuredClone(document)
  const conv = wide.nodes.find((n) => n.kind === 'Conv2D')!
  conv.params = { ...conv.params, filters: 2000 }
  await services['projects.save']({ id: project.id, document: wide })
  return project.id
}

/** A project named `name` holding `document` as its latest version. */
export async function projectWith(
  services: Services,
  name: string,
  document: GraphDocument,
): Promise<string> {
  const { project } = await services['projects.create']({ name })
  await services['projects.save']({ id: project.id, document })
  return project.id
}

/**
 * The real training worker (training/worker.ts, through worker-entry.mjs as the CLI starts it),
 * whose GPU device is destroyed right after it reports the checkpoint of epoch `afterEpoch`: what
 * a driver reset or an unplugged GPU does to a run, on the device that trains it. A `spawn` for
 * the training service.
 */
export function gpuLosingWorker(afterEpoch: number): () => Worker {
  const workerData = {
    source: new URL('../training/worker.ts', import.meta.url).href,
    // The TF.js the worker loads (one module per thread), whose backend holds the device.
    tfjs: createRequire(import.meta.url).resolve('@tensorflow/tfjs'),
    entry: new URL('../workers/worker-entry.mjs', import.meta.url).href,
    afterEpoch,
  }
  return () => new Worker(LOSING, { eval: true, workerData })
}

const LOSING = `
const { parentPort, workerData: d } = require('node:worker_threads')
const post = parentPort.postMessage.bind(parentPort)
parentPort.postMessage = (m) => {
  post(m)
  if (m.type === 'checkpoint' && m.checkpoint.epoch === d.afterEpoch) require(d.tfjs).backend().device.destroy()
}
import(d.entry)
`
