import type { Shape } from '../../tensor/shape'

/**
 * PyTorch code of one layer, as plain data: main/pytorch/model-py.ts assembles the fragments into
 * model.py and main/pytorch/state-dict.ts converts the weights. Registry shapes are NHWC; the
 * generated model is NCHW, so the fragments own the conversion (as the ONNX emitters do).
 */

/** Python code, written as it is. */
export interface PyCode {
  code: string
}

/** A value in generated Python: a number, a boolean, a pair (one number when both are equal), or code. */
export type PyValue = number | boolean | readonly number[] | PyCode

/**
 * What a constructor argument stands for, so that a block class can take it as its own parameter
 * (`nn.Conv2d(in_channels, filters, …, stride=stride)`).
 */
export type ArgRole = 'inChannels' | 'outChannels' | 'stride'

export interface TorchArg {
  /** The keyword, or none for a positional argument. */
  keyword?: string
  value: PyValue
  /** PyTorch's default: the argument is left out when it has this value. */
  default?: PyValue
  role?: ArgRole
}

/** A submodule's constructor: `nn.Conv2d(1, 6, kernel_size=5, padding=2)`. */
export interface TorchModule {
  /** `nn.Conv2d`, or a helper class of model.py (`SeparableConv2d`, torch/helpers.ts). */
  type: string
  args: TorchArg[]
}

/**
 * How a TF.js weight becomes a PyTorch tensor: `copy` (biases, BatchNorm statistics), `kernel`
 * (HWIO [kh, kw, in, out] → OIHW [out, in, kh, kw]; a depthwise [kh, kw, c, m] → [c·m, 1, kh, kw],
 * output channel c·m + j, the same memory order read as [kh, kw, 1, c·m]), `transpose` (Dense
 * [in, out] → Linear [out, in]).
 */
export type TorchLayout = 'copy' | 'kernel' | 'transpose'

/** One `state_dict()` entry of a layer's submodule. */
export interface TorchParam {
  /** The key under the submodule: `weight`, `pointwise.bias`, `num_batches_tracked`. */
  key: string
  /** PyTorch's shape. */
  shape: number[]
  /** A TF.js weight of the layer (its name within the layer), or a value TF.js has no weight for. */
  from: { tfjs: string; layout: TorchLayout } | { constant: number; dtype: 'F32' | 'I64' }
}

export interface TorchFragment {
  /** The layer's submodule, `ctx.self`; none when the layer is an expression (Add, Flatten). */
  module?: TorchModule
  /** Statements after the submodule is made (freezing BatchNorm's γ when scale is off). */
  init?: string[]
  /** The output, as an expression of `ctx.inputs` and `ctx.self`; an input alone for identities. */
  forward: string
  /** The submodule's `state_dict()` entries, in PyTorch's order. */
  state: TorchParam[]
  /** Classes of torch/helpers.ts the module is an instance of, which model.py must define. */
  helpers?: string[]
}

export interface TorchCtx {
  /** The submodule as the generated code refers to it: `self.conv1`. */
  self: string
  /** Python expressions of the layer's inputs, in port order. */
  inputs: string[]
  /** NHWC shapes as inferred; for Input, its own output shape. */
  inputShapes: Shape[]
  outputShape: Shape
}
