import { ApiError } from '../../shared/api/contract'
import type { GraphDocument } from '../../shared/graph/document'
import {
  estimateTrainingMemory,
  largestImagesThatFit,
  type MemoryHyperparameters,
  type TrainingMemory,
} from '../../shared/training/memory-estimate'
import type { GpuAdapterReport } from '../../shared/api/training'
import type { BackendName } from './backends'
import { MEMORY_BUDGETS, type MemoryBudget } from './memory-budget'
import { formatMemory } from '../../shared/training/memory-format'

const percent = (share: number) => `${Math.max(1, Math.round(100 * share))}%`

/** Why a run does not fit, with the numbers and what to change: an `invalid` ApiError's message. */
export function refusal(m: TrainingMemory, budget: MemoryBudget & { bytes: number }): string {
  const micro = m.imagesAtOnce < m.batchSize
  const at = micro
    ? `at batch ${m.batchSize} in micro-batches of ${m.imagesAtOnce}`
    : `at batch ${m.batchSize}`
  const opt = m.optimizer.bytes > 0 ? `, ${m.optimizer.name} state ${formatMemory(m.parts.optimizer)}` : ''
  const top = m.topActivations
    ? ` (layer '${m.topActivations.name}' holds ${percent(m.topActivations.share)} of them)`
    : ''
  const head =
    `Training needs ≈ ${formatMemory(m.totalBytes)} ${at}: weights and gradients ${formatMemory(m.parts.weights)}${opt}, ` +
    `activations ${formatMemory(m.parts.activations)}${top}; ${budget.where} has ${formatMemory(budget.bytes)} (${budget.why}).`
  const fit = largestImagesThatFit(m, budget.bytes)
  if (fit >= 1 && micro)
    return `${head} The largest micro-batch that fits is ${fit}: set micro-batches of ${fit} or fewer.`
  if (fit >= 1) {
    const inMicro = largestImagesThatFit(m, budget.bytes, true)
    return `${head} The largest batch that fits is ${fit}: set the batch size to ${fit} or less${inMicro >= 1 ? `, or keep ${m.batchSize} in micro-batches of ${inMicro} (the same step, in less memory)` : ''}.`
  }
  const heavy = m.topWeights
    ? ` (layer '${m.topWeights.name}' holds ${percent(m.topWeights.share)} of the weights)`
    : ''
  const sgd =
    m.optimizer.bytes > 0
      ? `, train with SGD without momentum (it keeps no state: ${formatMemory(m.parts.optimizer)} less)`
      : ''
  return `${head} Not even one image fits: the weights, gradients and optimizer state alone need ${formatMemory(m.fixedBytes)}${heavy}. Make the largest layers smaller${sgd}, or use a backend with more memory.`
}

/** Why the largest activation tensor does not fit one buffer, with the batch that does. */
export function tensorRefusal(
  m: TrainingMemory,
  budget: MemoryBudget & { maxTensor: NonNullable<MemoryBudget['maxTensor']> },
): string {
  const out = m.largestOutput!
  const micro = m.imagesAtOnce < m.batchSize
  const fit = Math.floor(budget.maxTensor.bytes / out.bytesPerImage)
  const head =
    `At ${micro ? `micro-batches of ${m.imagesAtOnce}` : `batch ${m.batchSize}`} the output of layer '${out.name}' ` +
    `is ${formatMemory(out.bytesPerImage * m.imagesAtOnce)}, more than one tensor may hold on ${budget.where} ` +
    `(${formatMemory(budget.maxTensor.bytes)}, ${budget.maxTensor.why}).`
  if (fit < 1) return `${head} Not even one image fits: make '${out.name}' smaller.`
  return micro
    ? `${head} Set micro-batches of ${fit} or fewer.`
    : `${head} The largest batch that fits is ${fit}: set the batch size to ${fit} or less, or keep ${m.batchSize} in micro-batches of ${fit}.`
}

/**
 * The resource preflight of a run: estimates its memory (shared/training/memory-estimate.ts) and
 * compares it with what `backend` has (memory-budget.ts; for webgpu, given its adapter): the total,
 * and the largest tensor where one buffer must hold it. Throws an `invalid` ApiError with the
 * numbers, the layer that dominates and the largest batch that fits; returns the estimate when it
 * fits (or the budget is unknown).
 */
export function checkResources(
  document: GraphDocument,
  hyperparameters: MemoryHyperparameters,
  backend: BackendName,
  options: {
    adapter?: GpuAdapterReport
    budgets?: Record<BackendName, (adapter?: GpuAdapterReport) => MemoryBudget>
  } = {},
): TrainingMemory {
  const m = estimateTrainingMemory(document, hyperparameters)
  const budget = (options.budgets ?? MEMORY_BUDGETS)[backend](options.adapter)
  if (budget.bytes !== null && m.totalBytes > budget.bytes)
    throw new ApiError('invalid', refusal(m, { ...budget, bytes: budget.bytes }))
  const { maxTensor } = budget
  if (maxTensor && m.largestOutput && m.largestOutput.bytesPerImage * m.imagesAtOnce > maxTensor.bytes)
    throw new ApiError('invalid', tensorRefusal(m, { ...budget, maxTensor }))
  return m
}
