import { ApiError } from '../../shared/api/contract'
import type { EngineChoice, TorchFound, TorchReport } from '../../shared/api/training'

type PyTorchChoice = Extract<EngineChoice, { name: 'pytorch' }>

/**
 * Checks, before a run is written (or claimed to resume), that PyTorch is here and offers what the
 * run asks for: the device, and as many processes as it can start (one GPU per process under
 * nccl). `unavailable` or `invalid` with what to do; the python found otherwise.
 */
export function checkTorchChoice(report: TorchReport, choice: PyTorchChoice, resuming?: string): TorchFound {
  const found = report.found
  const prefix = resuming ? `Run '${resuming}' trains on PyTorch, which it keeps, and ` : ''
  if (!found)
    throw new ApiError(
      'unavailable',
      resuming
        ? `${prefix}PyTorch cannot be used here. ${report.reason}`
        : (report.reason ?? 'PyTorch was not found.'),
    )
  const torch = `PyTorch ${found.torch} (${found.python})`
  if (choice.device === 'cuda' && found.cuda.length === 0)
    throw new ApiError(
      'unavailable',
      `${prefix}${torch} sees no CUDA GPU here: choose the device cpu or auto (--device cpu), or install a PyTorch built with CUDA.`,
    )
  if (choice.device === 'mps' && !found.mps)
    throw new ApiError(
      'unavailable',
      `${prefix}${torch} has no MPS (Apple GPU) here: choose the device cpu or auto (--device cpu).`,
    )
  if (choice.processes > 1) {
    if (!found.distributed)
      throw new ApiError(
        'unavailable',
        `${prefix}${torch} has no torch.distributed.run, so a run cannot use ${choice.processes} processes: train with 1 process.`,
      )
    const onCuda = choice.device === 'cuda' || (choice.device === 'auto' && found.cuda.length > 0)
    if (onCuda && choice.processes > found.cuda.length)
      throw new ApiError(
        'invalid',
        `${prefix}${choice.processes} processes on CUDA need ${choice.processes} GPUs (one each, nccl); ${torch} sees ${found.cuda.length}. Use ${found.cuda.length} process${found.cuda.length === 1 ? '' : 'es'}, or the device cpu (gloo).`,
      )
  }
  return found
}
