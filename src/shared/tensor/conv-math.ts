/**
 * Output-length arithmetic shared by convolution and pooling kinds. It matches PyTorch and
 * TensorFlow exactly (tfjs-layers conv_utils.ts, Keras operation_utils.py, torch.nn.MaxPool2d).
 */

/** Explicit padding of one spatial axis. */
export interface AxisPads {
  before: number
  after: number
}

/** The receptive extent of a kernel of size k with dilation d: d·(k − 1) + 1. */
export const effectiveKernel = (k: number, dilation: number): number => dilation * (k - 1) + 1

/** floor((n + before + after − d·(k − 1) − 1) / stride) + 1; may be ≤ 0 for a bad config. */
export function outputLength(n: number, k: number, stride: number, dilation: number, pads: AxisPads): number {
  return Math.floor((n + pads.before + pads.after - effectiveKernel(k, dilation)) / stride) + 1
}

/**
 * Ceil-mode output length (pooling), as PyTorch computes it: the last window may run past the
 * padded input but must start inside the input or its leading padding.
 */
export function outputLengthCeil(
  n: number,
  k: number,
  stride: number,
  dilation: number,
  pads: AxisPads,
): number {
  const span = n + pads.before + pads.after - effectiveKernel(k, dilation)
  let out = Math.ceil(span / stride) + 1
  if ((out - 1) * stride >= n + pads.before) out -= 1
  return out
}

/**
 * TensorFlow's 'same' padding: output ceil(n / stride); the total padding is split with the odd
 * pixel at the end (bottom, right).
 */
export function samePads(n: number, k: number, stride: number, dilation: number): AxisPads {
  const out = Math.ceil(n / stride)
  const total = Math.max((out - 1) * stride + effectiveKernel(k, dilation) - n, 0)
  const before = Math.floor(total / 2)
  return { before, after: total - before }
}
