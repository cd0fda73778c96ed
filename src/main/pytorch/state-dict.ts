import type { GraphDocument } from '../../shared/graph/document'
import { fromTorchLayout, toTorchLayout } from '../../shared/layers/torch/layouts'
import type { TorchLayout } from '../../shared/layers/torch/types'
import type { NamedArray } from '../model/checkpoint'
import { tfjsWeightOrder, type TfjsWeight } from '../model/weight-order'
import { planModel, type ModelPlan, type StateEntry } from './model-plan'
import { asFloat32, f32Tensor, type SafeTensor, type SafetensorsFile } from './safetensors'

/** Weights that do not fit the graph: the message names the tensor and what was expected. */
export class StateDictError extends Error {}

const planOf = (source: GraphDocument | ModelPlan) => ('graph' in source ? source : planModel(source))
const dims = (shape: readonly number[]) => `[${shape.join(', ')}]`
const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i])

/** The state entry a TF.js weight goes to, and its layout there. */
function entryOf(plan: ModelPlan, w: TfjsWeight): { entry: StateEntry; layout: TorchLayout } {
  for (const entry of plan.state) {
    const from = entry.param.from
    if (entry.nodeId === w.nodeId && 'tfjs' in from && from.tfjs === w.weight)
      return { entry, layout: from.layout }
  }
  throw new Error(`${w.name} has no place in the PyTorch model (a toTorch fragment misses it).`)
}

/** A constant tensor PyTorch has and TF.js lacks (num_batches_tracked, a frozen γ of 1). */
function constant(key: string, shape: number[], value: number, dtype: 'F32' | 'I64'): SafeTensor {
  const n = shape.reduce((a, b) => a * b, 1)
  const data =
    dtype === 'I64'
      ? new Uint8Array(BigInt64Array.from({ length: n }, () => BigInt(value)).buffer)
      : new Uint8Array(new Float32Array(n).fill(value).buffer)
  return { name: key, dtype, shape, data }
}

/**
 * A checkpoint's weights (TF.js model order and layout, as getWeights gives them) as the generated
 * model's `state_dict()`: PyTorch's names, order and layouts (kernels OIHW, Linear weights
 * transposed), BatchNorm's num_batches_tracked as I64 0. Ready for encodeSafetensors.
 */
export function toStateDict(source: GraphDocument | ModelPlan, weights: readonly NamedArray[]): SafeTensor[] {
  const plan = planOf(source)
  const order = tfjsWeightOrder(plan.graph)
  if (weights.length !== order.length)
    throw new StateDictError(
      `The checkpoint holds ${weights.length} weight tensors; this graph has ${order.length}. Was the graph changed?`,
    )
  const values = new Map<string, Float32Array>()
  order.forEach((w, i) => {
    const a = weights[i]
    if (!sameShape(a.shape, w.shape))
      throw new StateDictError(
        `Checkpoint tensor ${a.name} is ${dims(a.shape)}, the graph's ${w.name} is ${dims(w.shape)}.`,
      )
    if (!(a.data instanceof Float32Array))
      throw new StateDictError(`Checkpoint tensor ${a.name} is not float32.`)
    values.set(entryOf(plan, w).entry.key, a.data)
  })
  return plan.state.map(({ key, param }) => {
    if ('constant' in param.from) return constant(key, param.shape, param.from.constant, param.from.dtype)
    return f32Tensor(key, param.shape, toTorchLayout(param.from.layout, values.get(key)!, param.shape))
  })
}

/** Names listed in a message: the first few, and how many more. */
const list = (names: string[]) =>
  names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '')

/**
 * A `state_dict()` of the generated model (as safetensors tensors) back as the TF.js model's weights:
 * in `model.weights` order, with the names and shapes getWeights gives (`layer/kernel`: TF.js adds
 * `_1`, `_2` to a name a process has built before; setWeights reads shapes only), so that setWeights and
 * encodeTensors take them. Every key must be there with its shape and dtype (F32; num_batches_tracked
 * any integer), and no other: the error names the keys.
 */
export function fromStateDict(
  source: GraphDocument | ModelPlan,
  tensors: readonly SafeTensor[] | SafetensorsFile,
): NamedArray[] {
  const plan = planOf(source)
  const byName = new Map(('tensors' in tensors ? tensors.tensors : tensors).map((t) => [t.name, t]))
  const expected = new Set(plan.state.map((e) => e.key))
  const missing = plan.state.map((e) => e.key).filter((k) => !byName.has(k))
  if (missing.length) throw new StateDictError(`The weights lack ${list(missing)}.`)
  const unexpected = [...byName.keys()].filter((k) => !expected.has(k))
  if (unexpected.length)
    throw new StateDictError(`The weights hold ${list(unexpected)}, which this model does not have.`)
  for (const { key, param } of plan.state) {
    const t = byName.get(key)!
    if (!sameShape(t.shape, param.shape))
      throw new StateDictError(`${key} is ${dims(t.shape)}; this model's is ${dims(param.shape)}.`)
    if ('constant' in param.from && param.from.dtype === 'I64' && !/^[IU]\d+$/.test(t.dtype))
      throw new StateDictError(`${key} is ${t.dtype}, expected an integer.`)
  }
  return tfjsWeightOrder(plan.graph).map((w) => {
    const { entry, layout } = entryOf(plan, w)
    const t = byName.get(entry.key)!
    if (t.dtype !== 'F32')
      throw new StateDictError(`${entry.key} is ${t.dtype}, expected F32 (save it with .float()).`)
    const data = fromTorchLayout(layout, asFloat32(t), entry.param.shape)
    return { name: w.name, dtype: 'float32', shape: [...w.shape], data }
  })
}
