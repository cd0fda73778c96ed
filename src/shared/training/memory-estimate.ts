import type { Hyperparameters } from '../api/training'
import type { GraphDocument } from '../graph/document'
import { expandDocument } from '../graph/expand'
import { BYTES_PER_ELEMENT, inferGraph, type NodeAnalysis } from '../graph/infer'
import { parseParams } from '../graph/parse-params'
import type { ActivationName } from '../layers/params'
import { getLayer, type LayerKind } from '../layers/registry'
import { elementsPerSample } from '../tensor/shape'

/**
 * How much memory training a graph takes, before anything is built: the weights, their gradients,
 * the optimizer's state and the copies its update makes, and per image the activations that the
 * forward pass keeps for the backward pass with their gradients. Pure: the preflight
 * (main/tfjs/check-resources.ts) compares it with what a backend has; the editor could show it.
 *
 * The factors are measured, not derived: `npm run bench:memory` (bench/memory.ts) trains a few steps
 * of LeNet-5, the CIFAR VGG and ResNet-18, AlexNet and MobileNet v2 at several batch sizes on wasm and
 * prints estimate / measured heap for each; they were set so that every ratio is at least 1 (an upper
 * bound) and as close to it as one formula allows (docs/training.md, "Resource preflight").
 */

/**
 * Float32 tensors of its output's size that a layer keeps alive per image until the backward pass
 * ends: the output, its gradient, and the autodiff temporaries between them (TF.js frees none of them
 * before the whole backward pass is done). Set from per-kind measurements on wasm (a chain of four such
 * layers at two batch sizes, bench/memory.ts --kinds), rounded up.
 */
export const KEPT_PER_OUTPUT = {
  // The batch as a tensor, and its copy in the first convolution's filter gradient.
  Input: 3,
  // Its function's factor (KEPT_PER_ACTIVATION) is all it keeps.
  Activation: 0,
  // Output, its gradient, and the filter gradient's transposed copy of dy.
  Conv2D: 3,
  DepthwiseConv2D: 3,
  SeparableConv2D: 4,
  Dense: 3,
  MaxPool2D: 2.5,
  AvgPool2D: 2.5,
  GlobalAvgPool2D: 2,
  GlobalMaxPool2D: 2,
  // The saved input, mean and inverse deviation, and the gradient's centred temporaries.
  BatchNorm: 4,
  LocalResponseNorm: 4,
  // The random mask, its comparison and the scaled product.
  Dropout: 5,
  Add: 2,
  Concat: 2,
  Flatten: 1,
  ZeroPadding2D: 2,
  Output: 2,
} satisfies Record<LayerKind, number>

/** The same for an activation (a kind of its own, or the separate layer a convolution's activation becomes). */
export const KEPT_PER_ACTIVATION = {
  linear: 0,
  relu: 2.5,
  // clipByValue's gradient: two comparisons, their conjunction, a zero tensor and the select.
  relu6: 3.5,
  leakyRelu: 3,
  elu: 4,
  tanh: 3,
  sigmoid: 3,
  swish: 5,
  softmax: 4,
} satisfies Record<ActivationName, number>

/**
 * The fixed part's weight-sized tensors, per byte of trainable weights, besides the weights, their
 * gradients and the optimizer state: the update's new copies of the weights (the fused Adam step
 * writes new weights and moments before the old ones go), and two more during the backward pass
 * (the transposed and packed kernels of the matrix products). Measured: a Dense 4096-4096 stack
 * needs 9.1× its weights with Adam and 5.1× with plain SGD, this formula 9 and 5.
 */
export const KERNEL_COPIES = 3

/**
 * One more copy of the largest layer's weights: XNNPACK packs a matrix product's weights on each call,
 * and a block that size rarely finds room among the freed ones (VGG-16's fc6, 392 MiB: 3.36 GiB
 * measured with plain SGD at batch 1, 3.21 GiB without this term).
 */
export const LARGEST_LAYER_COPIES = 1

/** A margin on the whole, for what no term covers (allocator fragmentation, TF.js bookkeeping). */
export const MARGIN = 1.1

/** What the estimate reads of the hyperparameters. */
export type MemoryHyperparameters = Pick<
  Hyperparameters,
  'batchSize' | 'microBatch' | 'optimizer' | 'momentum'
>

/** One layer's share of a part of the estimate. */
export interface LayerShare {
  /** The expanded node's id (`block/layer` inside a block) and its display name. */
  nodeId: string
  name: string
  /** Of the part, 0 to 1. */
  share: number
}

export interface TrainingMemory {
  batchSize: number
  /** Images whose activations are alive at once: the micro-batch when there is one, else the batch. */
  imagesAtOnce: number
  /** Every weight (trainable and not), float32. */
  weightBytes: number
  gradientBytes: number
  optimizer: { name: string; slots: number; bytes: number }
  /** The fixed part: weights, gradients, optimizer state, the update's and the kernels' copies, margin included. */
  fixedBytes: number
  /** Kept per image (activations, their gradients and temporaries, the filter gradients' scratch), margin included. */
  perImageBytes: number
  /** `perImageBytes × imagesAtOnce`. */
  activationBytes: number
  totalBytes: number
  /**
   * The total in three parts, margin included: the weights with their gradients and copies (and the
   * filter gradient's fixed columns), the optimizer's state with its update's copy, the activations.
   */
  parts: { weights: number; optimizer: number; activations: number }
  /** The layer holding most of the activations, and of the weights (null for a graph without any). */
  topActivations: LayerShare | null
  topWeights: LayerShare | null
  /**
   * The layer with the largest output for one image, and its bytes: at a batch it is the largest
   * activation tensor (a WebGPU buffer must hold it whole). Null for a graph without shapes.
   */
  largestOutput: { nodeId: string; name: string; bytesPerImage: number } | null
}

/** Optimizer slots per trainable weight, as TF.js keeps them (training/optimizer.ts). */
export function optimizerSlots(h: Pick<Hyperparameters, 'optimizer' | 'momentum'>): number {
  switch (h.optimizer) {
    case 'adam':
    case 'adamw':
      return 2
    case 'rmsprop':
      return 2
    case 'sgd':
      return h.momentum > 0 ? 1 : 0
  }
}

const OPTIMIZER_NAMES: Record<Hyperparameters['optimizer'], string> = {
  adam: 'Adam',
  adamw: 'AdamW',
  rmsprop: 'RMSprop',
  sgd: 'SGD',
}

/** Float32 elements per image a layer keeps for the backward pass (its output times its factors). */
function keptElements(node: GraphDocument['nodes'][number], a: NodeAnalysis): number {
  const out = elementsPerSample(a.outputShape!)
  const spec = getLayer(node.kind)
  const p = spec
    ? (parseParams(spec.params, node.params).value as { activation?: ActivationName; fn?: ActivationName })
    : undefined
  // Activations other than linear are their own TF.js layer (layers/tfjs/helpers.ts).
  const fn = node.kind === 'Activation' ? p?.fn : p?.activation
  const own = KEPT_PER_OUTPUT[node.kind as LayerKind] ?? Math.max(...Object.values(KEPT_PER_OUTPUT))
  return out * (own + (fn ? KEPT_PER_ACTIVATION[fn] : 0))
}

/**
 * Per image, the temporaries of the convolutions' filter gradients on wasm (tfjs/wasm-kernels/
 * conv2d-backprop-filter.ts): the transposed input of one layer at a time, and, for a layer with at
 * most 16 filters and a window of 16 taps or more (`preferGradAsConv`: one XNNPACK convolution with
 * the batch as channels), its input unrolled into windows: output pixels × taps × input channels.
 * These last add up: each is larger than the free blocks the ones before left (measured on LeNet-5).
 */
function scratchElements(
  node: GraphDocument['nodes'][number],
  a: NodeAnalysis,
): { each: number; summed: number } {
  if (node.kind !== 'Conv2D' && node.kind !== 'SeparableConv2D') return { each: 0, summed: 0 }
  const input = elementsPerSample(a.inputShapes[0]!)
  const p = parseParams(getLayer(node.kind)!.params, node.params).value as { kernelSize: [number, number] }
  const out = a.outputShape!
  const filters = out[3] as number
  const taps = p.kernelSize[0] * p.kernelSize[1]
  const unrolled =
    filters <= 16 && taps >= 16
      ? (out[1] as number) * (out[2] as number) * taps * (a.inputShapes[0]![3] as number)
      : 0
  return { each: input, summed: unrolled }
}

/** Bytes of the im2col columns the filter gradient works in, whatever the batch (CHUNK_FLOATS). */
export const COLUMN_CHUNK_BYTES = 32 * 2 ** 20

/**
 * The estimate for a graph that checkBuildable accepts (nodes without a shape count nothing).
 * Blocks are expanded, so every layer is seen as TF.js builds it.
 */
export function estimateTrainingMemory(doc: GraphDocument, h: MemoryHyperparameters): TrainingMemory {
  const expanded = expandDocument(doc)
  const analysis = inferGraph(expanded)
  const { trainable, nonTrainable } = analysis.totals
  const weightBytes = (trainable + nonTrainable) * BYTES_PER_ELEMENT
  const gradientBytes = trainable * BYTES_PER_ELEMENT
  const slots = optimizerSlots(h)
  const optimizerBytes = slots * trainable * BYTES_PER_ELEMENT
  // Micro-batches sum into a running gradient: one more copy while the next is computed.
  const microBatches = h.microBatch > 0 && h.microBatch < h.batchSize
  const imagesAtOnce = microBatches ? h.microBatch : h.batchSize
  // The update's new weights and optimizer state, and the kernels' copies in the matrix products.
  const copiesBytes = (KERNEL_COPIES + (microBatches ? 1 : 0)) * gradientBytes + optimizerBytes
  let kept = 0
  let scratchEach = 0
  let scratchSummed = 0
  let topAct: { id: string; bytes: number } | null = null
  let topW: { id: string; bytes: number } | null = null
  let topOut: { id: string; bytes: number } | null = null
  for (const node of expanded.nodes) {
    const a = analysis.nodes[node.id]
    if (a?.status !== 'ok') continue
    const out = elementsPerSample(a.outputShape!) * BYTES_PER_ELEMENT
    if (!topOut || out > topOut.bytes) topOut = { id: node.id, bytes: out }
    const k = keptElements(node, a) * BYTES_PER_ELEMENT
    kept += k
    const scratch = scratchElements(node, a)
    scratchEach = Math.max(scratchEach, scratch.each * BYTES_PER_ELEMENT)
    scratchSummed += scratch.summed * BYTES_PER_ELEMENT
    if (!topAct || k > topAct.bytes) topAct = { id: node.id, bytes: k }
    const w = (a.params!.trainable + a.params!.nonTrainable) * BYTES_PER_ELEMENT
    if (w > 0 && (!topW || w > topW.bytes)) topW = { id: node.id, bytes: w }
  }
  const largest = LARGEST_LAYER_COPIES * (topW?.bytes ?? 0)
  const fixedBytes =
    MARGIN * (weightBytes + gradientBytes + optimizerBytes + copiesBytes + largest + COLUMN_CHUNK_BYTES)
  const perImageBytes = MARGIN * (kept + scratchEach + scratchSummed)
  const activationBytes = perImageBytes * imagesAtOnce
  const names = new Map(expanded.nodes.map((n) => [n.id, n.name ?? n.id]))
  const share = (top: { id: string; bytes: number } | null, of: number): LayerShare | null =>
    top && of > 0 ? { nodeId: top.id, name: names.get(top.id)!, share: top.bytes / of } : null
  return {
    batchSize: h.batchSize,
    imagesAtOnce,
    weightBytes,
    gradientBytes,
    optimizer: { name: OPTIMIZER_NAMES[h.optimizer], slots, bytes: optimizerBytes },
    fixedBytes,
    perImageBytes,
    activationBytes,
    totalBytes: fixedBytes + activationBytes,
    parts: {
      weights: fixedBytes - MARGIN * 2 * optimizerBytes,
      optimizer: MARGIN * 2 * optimizerBytes,
      activations: activationBytes,
    },
    topActivations: share(topAct, kept),
    topWeights: share(topW, weightBytes),
    largestOutput: topOut
      ? { nodeId: topOut.id, name: names.get(topOut.id)!, bytesPerImage: topOut.bytes }
      : null,
  }
}

/**
 * The most images whose activations fit in `budgetBytes` next to the fixed part: the largest batch
 * (or micro-batch) that fits; 0 when not even one image does. `asMicroBatches`: the largest
 * micro-batch for an estimate made without them (their running gradient sum is one more gradient).
 */
export function largestImagesThatFit(m: TrainingMemory, budgetBytes: number, asMicroBatches = false): number {
  const fixed =
    m.fixedBytes + (asMicroBatches && m.imagesAtOnce === m.batchSize ? MARGIN * m.gradientBytes : 0)
  if (m.perImageBytes <= 0) return fixed <= budgetBytes ? Number.MAX_SAFE_INTEGER : 0
  return Math.max(0, Math.floor((budgetBytes - fixed) / m.perImageBytes))
}
