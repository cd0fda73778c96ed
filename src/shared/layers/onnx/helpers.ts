import type { ActivationName, Padding, Pair } from '../params'
import {
  float,
  type OnnxAttribute,
  type OnnxCtx,
  type OnnxFragment,
  type OnnxNode,
  type OnnxTensor,
} from './types'
import { resolvePads } from '../spatial'

/**
 * Builds one layer's fragment: nodes and initializers named under the layer's prefix, so names
 * stay unique across the graph. `out` is the tensor the fragment must end in.
 */
export function onnxFragment(ctx: OnnxCtx) {
  const nodes: OnnxNode[] = []
  const initializers: OnnxTensor[] = []
  let count = 0
  const f = {
    /** A fresh intermediate tensor name. */
    tensor: (what: string) => `${ctx.name}/${what}`,
    /** Adds a node; returns its output tensor. */
    node(opType: string, inputs: string[], output: string, attributes?: Record<string, OnnxAttribute>) {
      nodes.push({ opType, inputs, outputs: [output], name: `${ctx.name}/${opType}_${count++}`, attributes })
      return output
    },
    float(what: string, dims: number[], data: Float32Array): string {
      const name = f.tensor(what)
      initializers.push({ name, dataType: 'float32', dims, data })
      return name
    },
    ints(what: string, values: number[]): string {
      const name = f.tensor(what)
      initializers.push({
        name,
        dataType: 'int64',
        dims: [values.length],
        data: BigInt64Array.from(values, (v) => BigInt(v)),
      })
      return name
    },
    done: (): OnnxFragment => ({ nodes, initializers }),
  }
  return f
}
export type FragmentBuilder = ReturnType<typeof onnxFragment>

/** One node from `inputs` to the layer's output: the whole fragment of simple kinds. */
export function singleNode(
  ctx: OnnxCtx,
  opType: string,
  attributes?: Record<string, OnnxAttribute>,
): OnnxFragment {
  const f = onnxFragment(ctx)
  f.node(opType, ctx.inputs, ctx.output, attributes)
  return f.done()
}

/**
 * The trailing activation from `x` to `out` (x itself when linear: the caller then wrote `out`
 * directly). Softmax is over channels: axis 1 in both NCHW and [N, features].
 */
export function emitActivation(
  f: FragmentBuilder,
  fn: ActivationName,
  x: string,
  out: string,
  alpha = 0.2,
): void {
  switch (fn) {
    case 'linear':
      if (x !== out) f.node('Identity', [x], out)
      return
    case 'relu':
      f.node('Relu', [x], out)
      return
    case 'relu6':
      f.node('Clip', [x, f.float('min', [], Float32Array.of(0)), f.float('max', [], Float32Array.of(6))], out)
      return
    case 'leakyRelu':
      f.node('LeakyRelu', [x], out, { alpha: float(alpha) })
      return
    case 'elu':
      f.node('Elu', [x], out, { alpha: float(1) })
      return
    case 'tanh':
      f.node('Tanh', [x], out)
      return
    case 'sigmoid':
      f.node('Sigmoid', [x], out)
      return
    case 'swish':
      f.node('Mul', [x, f.node('Sigmoid', [x], f.tensor('sigmoid'))], out)
      return
    case 'softmax':
      f.node('Softmax', [x], out, { axis: 1 })
      return
  }
}

/** Where a layer with a trailing activation writes before it: straight to the output when linear. */
export const preActivation = (f: FragmentBuilder, ctx: OnnxCtx, fn: ActivationName): string =>
  fn === 'linear' ? ctx.output : f.tensor('linear')

/** ONNX `pads` for a window over an NHWC input: [top, left, bottom, right]. */
export function onnxPads(
  win: { kernel: Pair; strides: Pair; dilation: Pair; padding: Padding },
  inputShape: readonly (number | null)[],
): number[] {
  const { rows, cols } = resolvePads(win, inputShape[1] as number, inputShape[2] as number)
  return [rows.before, cols.before, rows.after, cols.after]
}

/** A TF.js convolution kernel [kh, kw, in, out] (HWIO) as ONNX's [out, in, kh, kw] (OIHW). */
export function hwioToOihw(w: Float32Array, [kh, kw, ci, co]: readonly number[]): Float32Array {
  if (w.length !== kh * kw * ci * co)
    throw new Error(`A ${kh}×${kw}×${ci}×${co} kernel needs ${kh * kw * ci * co} weights, got ${w.length}.`)
  const out = new Float32Array(w.length)
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++)
          out[((o * ci + i) * kh + y) * kw + x] = w[((y * kw + x) * ci + i) * co + o]
  return out
}

/**
 * A TF.js depthwise kernel [kh, kw, channels, multiplier] as ONNX's grouped [channels·multiplier,
 * 1, kh, kw]: output channel c·multiplier + m, as TF.js orders them.
 */
export const depthwiseToOnnx = (w: Float32Array, [kh, kw, c, m]: readonly number[]): Float32Array =>
  hwioToOihw(w, [kh, kw, 1, c * m])

/** The weights a layer must have, in order, or an error naming what is missing. */
export function expectWeights(ctx: OnnxCtx, count: number, what: string): Float32Array[] {
  if (ctx.weights.length !== count)
    throw new Error(`${ctx.name}: expected ${count} weight tensors (${what}), got ${ctx.weights.length}.`)
  return ctx.weights
}
