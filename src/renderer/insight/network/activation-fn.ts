import type { ActivationName } from '../../../shared/layers/params'

/** ELU's alpha in TF.js, ONNX and PyTorch alike. */
const ELU_ALPHA = 1

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))

/**
 * An element-wise activation at x, as the layers compute it (`alpha` is leaky ReLU's slope). Softmax
 * is not element-wise: it needs the whole vector (softmax-steps.ts); here it throws.
 */
export function activate(fn: ActivationName, x: number, alpha = 0.2): number {
  switch (fn) {
    case 'linear':
      return x
    case 'relu':
      return Math.max(0, x)
    case 'relu6':
      return Math.min(Math.max(0, x), 6)
    case 'leakyRelu':
      return x >= 0 ? x : alpha * x
    case 'elu':
      return x >= 0 ? x : ELU_ALPHA * (Math.exp(x) - 1)
    case 'tanh':
      return Math.tanh(x)
    case 'sigmoid':
      return sigmoid(x)
    case 'swish':
      return x * sigmoid(x)
    case 'softmax':
      throw new Error('softmax is not element-wise: compute it over the vector with softmaxSteps.')
  }
}

/** The formula as the view prints it. */
export function formula(fn: ActivationName, alpha = 0.2): string {
  return {
    linear: 'f(x) = x',
    relu: 'f(x) = max(0, x)',
    relu6: 'f(x) = min(max(0, x), 6)',
    leakyRelu: `f(x) = x if x ≥ 0, else ${alpha}·x`,
    elu: 'f(x) = x if x ≥ 0, else eˣ − 1',
    tanh: 'f(x) = tanh(x)',
    sigmoid: 'f(x) = 1 / (1 + e⁻ˣ)',
    swish: 'f(x) = x · sigmoid(x)',
    softmax: 'f(x)ᵢ = eˣⁱ / Σⱼ eˣʲ',
  }[fn]
}

/** n + 1 points of an element-wise function's curve over [from, to], for plotting. */
export function curve(
  fn: ActivationName,
  from: number,
  to: number,
  n = 120,
  alpha = 0.2,
): [number, number][] {
  return Array.from({ length: n + 1 }, (_, i) => {
    const x = from + ((to - from) * i) / n
    return [x, activate(fn, x, alpha)]
  })
}
