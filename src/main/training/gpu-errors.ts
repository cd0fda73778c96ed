import type { GpuAdapterReport, Hyperparameters } from '../../shared/api/training'
import { adapterName } from '../../shared/training/gpu-adapter'
import { RunFailure, type StepGuard, type StepPlace } from './loop'

/**
 * WebGPU reports its faults outside JavaScript's exceptions: an allocation that does not fit is an
 * error captured by the device's error scopes (TF.js pushes none), and a lost device resolves
 * `device.lost`. The guard runs each step inside out-of-memory and validation scopes, and turns
 * what they caught, or a loss, into a RunFailure that says what happened and what to change; the
 * checkpoints of earlier epochs stay, and a lost device's run can be resumed on any backend.
 */
export function webgpuGuard(
  device: GPUDevice,
  adapter: GpuAdapterReport,
  h: Pick<Hyperparameters, 'batchSize' | 'microBatch'>,
): StepGuard {
  let lost: GPUDeviceLostInfo | null = null
  void device.lost.then((info) => (lost = info))
  const gpu = adapterName(adapter)

  return async (step, at) => {
    if (lost) throw new RunFailure(deviceLost(gpu, lost, at), { resumable: true })
    device.pushErrorScope('out-of-memory')
    device.pushErrorScope('validation')
    let result: Awaited<ReturnType<typeof step>> | undefined
    let thrown: unknown = null
    try {
      result = await step()
    } catch (e) {
      thrown = e
    }
    // Popped in any case: a scope left open would swallow every later error.
    const validation = await device.popErrorScope().catch(() => null)
    const memory = await device.popErrorScope().catch(() => null)
    // A step that threw because the device went away (an AbortError) is reported as the loss.
    if (lost) throw new RunFailure(deviceLost(gpu, lost, at), { resumable: true })
    if (memory) throw new RunFailure(outOfMemory(gpu, h, at))
    if (validation)
      throw new RunFailure(
        `The GPU ${gpu} refused a kernel ${place(at)}: ${validation.message.split('\n')[0]}`,
      )
    if (thrown) throw thrown
    return result as never
  }
}

/** `at epoch 2, batch 5`, or the evaluation under way. */
function place(at: StepPlace): string {
  if ('batch' in at) return `at epoch ${at.epoch}, batch ${at.batch}`
  return at.evaluating === 'val'
    ? `evaluating the validation images of epoch ${at.epoch}`
    : 'evaluating the test images'
}

/** Whether an epoch had finished (and so left a checkpoint) before this step. */
const afterACheckpoint = (at: StepPlace) => at.epoch > 1 || ('evaluating' in at && at.evaluating === 'test')

/** `The GPU … was lost at epoch 2, batch 1 (…)`, with how to go on. */
export function deviceLost(gpu: string, info: Pick<GPUDeviceLostInfo, 'message' | 'reason'>, at: StepPlace) {
  const why = info.message || (info.reason === 'destroyed' ? 'destroyed' : 'the driver gave no reason')
  const next = afterACheckpoint(at)
    ? 'The checkpoints of earlier epochs are kept: resume the run to continue from the last one'
    : 'No epoch had finished: resume the run to start it again'
  return `The GPU ${gpu} was lost ${place(at)} (${why}). ${next}, on this GPU once it is back or on any other backend.`
}

/** `GPU out of memory at batch 256 on …, at epoch 1, batch 1: try 128, or micro-batches of 128 …`. */
export function outOfMemory(
  gpu: string,
  h: Pick<Hyperparameters, 'batchSize' | 'microBatch'>,
  at: StepPlace,
): string {
  const micro = h.microBatch > 0 && h.microBatch < h.batchSize
  const size = micro ? `micro-batches of ${h.microBatch} (batch ${h.batchSize})` : `batch ${h.batchSize}`
  const images = micro ? h.microBatch : h.batchSize
  const half = Math.max(1, Math.floor(images / 2))
  const advice =
    images <= 1
      ? 'not even one image fits: make the largest layers smaller, or train on another backend'
      : micro
        ? `try micro-batches of ${half}`
        : `try ${half}, or micro-batches of ${half} (the same step in less memory)`
  const kept = afterACheckpoint(at) ? ' The checkpoints of earlier epochs are kept.' : ''
  return `GPU out of memory at ${size} on ${gpu}, ${place(at)}: ${advice}.${kept}`
}
