import { parentPort } from 'node:worker_threads'
import { GraphBuildError } from '../model/buildable'
import { CheckpointError } from '../model/checkpoint'
import { loadBackend } from '../tfjs/backends'
import { InsightError } from './insight-error'
import { LoadedRun } from './loaded-run'
import type { FromInsightWorker, InsightOp, ToInsightWorker } from './protocol'
import { createTfjsRunner, type TfjsRunner } from './tfjs-runner'

/**
 * The inference worker thread (started by insight/inference-host.ts): holds up to two runs' models
 * (onnxruntime sessions, the dataset, TF.js when needed) so that evaluation and clicking through
 * feature maps never hold the main process's event loop, and answers requests one at a time.
 */
if (!parentPort) throw new Error('insight/worker.ts runs only as a worker thread')
const port = parentPort

/** Runs kept loaded: the one looked at and the one compared with it. */
const KEPT_RUNS = 2
const runs = new Map<string, LoadedRun>()

let tfjs: Promise<TfjsRunner> | null = null
// Attribution reads gradients synchronously and must not depend on a GPU's rounding: a CPU backend.
const getTfjs = () => (tfjs ??= loadBackend({ skip: ['webgpu'] }).then((b) => createTfjsRunner(b.tf)))

async function answer(run: LoadedRun, r: InsightOp): Promise<unknown> {
  switch (r.op) {
    case 'evaluate':
      return run.evaluate(r.split)
    case 'samples':
      return run.samplesOf(r.split, r.indices)
    case 'activations':
      return run.activations(r.sample)
    case 'featureMap':
      return run.featureMap(r.sample, r.nodeId)
    case 'weights':
      return run.weightsOf(r.nodeId)
    case 'attribution':
      return run.attribution(r.sample, r.method, r.classIndex, r.nodeId)
    case 'predict':
      return run.predict(
        r.images.map((file) => ({ kind: 'image', file })),
        r.top,
      )
  }
}

async function handle(m: ToInsightWorker): Promise<FromInsightWorker> {
  let run = runs.get(m.key)
  if (!run && m.spec) {
    run = new LoadedRun(m.spec, getTfjs)
    runs.set(m.key, run)
    while (runs.size > KEPT_RUNS) {
      const [oldest, old] = runs.entries().next().value!
      runs.delete(oldest)
      void old.release()
      if (tfjs) void tfjs.then((t) => t.forget(oldest))
    }
  }
  if (!run) return { id: m.id, ok: false, failure: 'missing', message: `Run model ${m.key} is not loaded.` }
  // Most recently used last.
  runs.delete(m.key)
  runs.set(m.key, run)
  return { id: m.id, ok: true, value: await answer(run, m.request) }
}

const failureOf = (e: unknown) =>
  e instanceof InsightError || e instanceof GraphBuildError || e instanceof CheckpointError
    ? 'invalid'
    : 'internal'

// One request at a time: sessions and TF.js are not meant to be driven concurrently, and the
// service's requests are small.
let queue = Promise.resolve()
port.on('message', (m: ToInsightWorker) => {
  queue = queue.then(async () => {
    try {
      port.postMessage(await handle(m))
    } catch (e) {
      port.postMessage({
        id: m.id,
        ok: false,
        failure: failureOf(e),
        message: e instanceof Error ? e.message : String(e),
      } satisfies FromInsightWorker)
    }
  })
})
