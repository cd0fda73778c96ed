import type { GpuAdapterReport, Hyperparameters } from '../../shared/api/training'
import { adapterName } from '../../shared/training/gpu-adapter'
import { RunFailure, type StepGuard } from './loop'

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
    const where = `at epoch ${at.epoch}, batch ${at.batch}`
    const lostFailure = (info: GPUDeviceLostInfo) =>
      new RunFailure(
        `The GPU ${gpu} was lost ${where} (${info.message || info.reason}). The checkpoints of earlier ` +
          'epochs are kept: resume the run to continue from the last one, on this GPU once it is back or on any other backend.',
        { resumable: true },
      )
    if (lost) throw lostFailure(lost)
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
    if (lost) throw lostFailure(lost)
    if (memory) throw new RunFailure(outOfMemory(gpu, h, where))
    if (validation)
      throw new RunFailure(`The GPU ${gpu} refused a kernel ${where}: ${validation.message.split('\n')[0]}`)
    if (thrown) throw thrown
    return result as never
  }
}

/** `GPU out of memory at batch 256 on …: try 128 or micro-batches of 128`. */
export function outOfMemory(
  gpu: string,
  h: Pick<Hyperparameters, 'batchSize' | 'microBatch'>,
  where: string,
): string {
  const micro = h.microBatch > 0 && h.microBatch < h.batchSize
  const at = micro ? `micro-batches of ${h.microBatch} (batch ${h.batchSize})` : `batch ${h.batchSize}`
  const half = Math.max(1, Math.floor((micro ? h.microBatch : h.batchSize) / 2))
  const advice =
    (micro ? h.microBatch : h.batchSize) <= 1
      ? 'not even one image fits: make the largest layers smaller, or train on another backend'
      : micro
        ? `try micro-batches of ${half}`
        : `try ${half}, or micro-batches of ${half} (the same step in less memory)`
  return `GPU out of memory at ${at} on ${gpu} (${where}): ${advice}. The checkpoints of earlier epochs are kept.`
}
