import type { ActivationName } from '../params'
import { pyNumber } from './py'
import type { TorchFragment, TorchModule } from './types'

/**
 * A fused activation applied to the expression `x` (a Conv's or Dense's `activation`), as the
 * functional call. Softmax is over channels: dim 1 in both NCHW and [N, features].
 */
export function activationCall(fn: ActivationName, x: string, alpha = 0.2): string {
  switch (fn) {
    case 'linear':
      return x
    case 'relu':
      return `F.relu(${x})`
    case 'relu6':
      return `F.relu6(${x})`
    case 'leakyRelu':
      return `F.leaky_relu(${x}, ${pyNumber(alpha)})`
    case 'elu':
      return `F.elu(${x})`
    case 'tanh':
      return `torch.tanh(${x})`
    case 'sigmoid':
      return `torch.sigmoid(${x})`
    case 'swish':
      return `F.silu(${x})`
    case 'softmax':
      return `F.softmax(${x}, dim=1)`
  }
}

/** The Activation kind as a module (`nn.ReLU()`); swish is SiLU, x·sigmoid(x). */
export function activationModule(fn: Exclude<ActivationName, 'linear'>, alpha: number): TorchModule {
  const plain = (type: string): TorchModule => ({ type, args: [] })
  switch (fn) {
    case 'relu':
      return plain('nn.ReLU')
    case 'relu6':
      return plain('nn.ReLU6')
    case 'leakyRelu':
      return { type: 'nn.LeakyReLU', args: [{ value: alpha }] }
    case 'elu':
      return plain('nn.ELU')
    case 'tanh':
      return plain('nn.Tanh')
    case 'sigmoid':
      return plain('nn.Sigmoid')
    case 'swish':
      return plain('nn.SiLU')
    case 'softmax':
      return { type: 'nn.Softmax', args: [{ keyword: 'dim', value: 1 }] }
  }
}

/** A layer that is an expression of its inputs, without a submodule or weights. */
export const expression = (forward: string): TorchFragment => ({ forward, state: [] })

/** A layer that is its submodule applied to its one input, without weights (pooling, Dropout). */
export const applied = (module: TorchModule, self: string, x: string): TorchFragment => ({
  module,
  forward: `${self}(${x})`,
  state: [],
})
