import type { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { hyperparametersSchema } from '../../shared/api/training'
import { getTemplate } from '../../shared/templates'
import { tempDir } from '../db/test-kit'
import { buildModel } from '../model/build-model'
import { encodeTensors } from '../model/checkpoint'
import { getWeights } from '../model/weights'
import { writeTinyMnist } from '../services/test-kit'
import { loadBackend } from '../tfjs/backends'
import { spawnWorker } from '../workers/spawn-worker'
import { createInferenceHost } from './inference-host'
import type { RunModelSpec } from './loaded-run'

async function lenetSpec(): Promise<RunModelSpec> {
  const { tf } = await loadBackend({ force: 'cpu' })
  const dataDir = tempDir('cnn-studio-host-')
  writeTinyMnist(dataDir, 20, 10)
  const document = getTemplate('lenet5-mnist')!.document
  const built = buildModel(tf, document, { seed: 2, purpose: 'export' })
  const weights = encodeTensors(await getWeights(built.model))
  built.model.dispose()
  return {
    key: 'r@1',
    runId: 'r',
    epoch: 1,
    document,
    weights,
    dataset: { builtin: 'mnist' },
    hyperparameters: hyperparametersSchema.parse({}),
    classes: Array.from({ length: 10 }, (_, i) => String(i)),
    dataDir,
  }
}

describe('the inference worker host', () => {
  it('loads a run once, survives the worker dying, and ends an idle worker', async () => {
    const spec = await lenetSpec()
    const workers: Worker[] = []
    let specsRead = 0
    const host = createInferenceHost({
      spawn: () => {
        const w = spawnWorker('insight-worker')
        workers.push(w)
        return w
      },
      idleMs: 1500,
    })
    const read = () => {
      specsRead++
      return spec
    }
    const weights = () =>
      host.call<{ tensors: unknown[] }>(spec.key, read, { op: 'weights', nodeId: 'conv1' })
    expect((await weights()).tensors).toHaveLength(2)
    expect((await weights()).tensors).toHaveLength(2)
    // The checkpoint crossed once: the worker kept the run.
    expect(specsRead).toBe(1)

    // A request the user can fix is `invalid`, with the worker's message.
    await expect(host.call(spec.key, read, { op: 'weights', nodeId: 'nope' })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(/no node 'nope'/),
    })

    // The thread dies while a request waits: that request fails, the next one starts a new thread.
    const pending = host.call(spec.key, read, { op: 'evaluate', split: 'test' })
    await workers[0].terminate()
    await expect(pending).rejects.toMatchObject({ code: 'internal' })
    expect((await weights()).tensors).toHaveLength(2)
    expect(workers).toHaveLength(2)
    expect(specsRead).toBe(2)

    // Idle: the thread ends, and a later request starts another.
    const exited = new Promise((r) => workers[1].once('exit', r))
    await exited
    expect((await weights()).tensors).toHaveLength(2)
    expect(workers).toHaveLength(3)
    await host.close()
  }, 60_000)
})
