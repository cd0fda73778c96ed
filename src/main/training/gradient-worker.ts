import type * as tfjsModule from '@tensorflow/tfjs'
import { parentPort } from 'node:worker_threads'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { buildModel } from '../model/build-model'
import { loadBackend } from '../tfjs/backends'
import type { FromHelper, ToHelper } from './gradient-helpers'
import { chunkGradients } from './step'

/**
 * A gradient helper thread (started by the training worker, gradient-helpers.ts): builds the same
 * model on the same backend, then for each step takes the trainer's weights and computes the
 * gradients of its chunks of the batch. Nothing here persists between steps but the model.
 */
if (!parentPort) throw new Error('gradient-worker.ts runs only as a worker thread')
const port = parentPort
const post = (m: FromHelper, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer)

let tf: Tfjs
let model: tfjsModule.LayersModel
let variables: tfjsModule.Variable[]
let data: { shape: [number, number, number]; classes: number }

port.on('message', async (m: ToHelper) => {
  try {
    if (m.type === 'init') {
      tf = (await loadBackend({ force: m.backend })).tf
      // Its weights come from the trainer with every step.
      const built = buildModel(tf, m.document, { weightsFollow: true })
      model = built.model
      variables = model.trainableWeights.map((w) => w.read() as tfjsModule.Variable)
      const { height, width, channels } = built.input
      data = { shape: [height, width, channels], classes: built.classes }
      post({ type: 'ready' })
      return
    }
    tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(m.step.weights[i], v.shape))))
    const r = await chunkGradients(tf, model, variables, data, m.step, m.step.chunks)
    const grads = r.grads.map((g) => g.dataSync() as Float32Array)
    tf.dispose(r.grads)
    post(
      { type: 'gradients', result: { grads, loss: r.loss, hits: r.hits } },
      grads.map((g) => g.buffer as ArrayBuffer),
    )
  } catch (e) {
    post({ type: 'error', message: (e as Error).message })
  }
})
