import { describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import { getTemplate } from '../../shared/templates'
import { everyBlock } from '../../../test/fixtures/every-block'
import { everyKind } from '../../../test/fixtures/every-kind'
import { mulberry32 } from '../datasets/random'
import type { NamedArray } from '../model/checkpoint'
import { tfjsWeightOrder } from '../model/weight-order'
import { planModel } from './model-plan'
import { f32Tensor, type SafeTensor } from './safetensors'
import { fromStateDict, toStateDict } from './state-dict'

/** Random weights in TF.js order, as a checkpoint holds them (no TF.js needed). */
function weightsOf(plan: ReturnType<typeof planModel>): NamedArray[] {
  const random = mulberry32(7)
  return tfjsWeightOrder(plan.graph).map((w) => ({
    name: w.name,
    dtype: 'float32',
    shape: w.shape,
    data: Float32Array.from({ length: w.shape.reduce((a, b) => a * b, 1) }, () => random() - 0.5),
  }))
}

const lenet = planModel(getTemplate('lenet5')!.document)

describe('state dicts', () => {
  it('converts a checkpoint to PyTorch and back unchanged (every kind, blocks)', () => {
    for (const doc of [
      everyKind,
      everyBlock,
      getTemplate('resnet18-cifar')!.document,
      getTemplate('googlenet')!.document,
    ]) {
      const plan = planModel(doc)
      const weights = weightsOf(plan)
      const state = toStateDict(plan, weights)
      expect(state.map((t) => t.name)).toEqual(plan.state.map((e) => e.key))
      const back = fromStateDict(plan, state)
      expect(back.map(({ data: _d, ...w }) => w)).toEqual(weights.map(({ data: _d, ...w }) => w))
      // Bytes compared as such: toEqual walks typed arrays element by element, slowly.
      back.forEach((w, i) =>
        expect(Buffer.from(w.data.buffer).equals(Buffer.from(weights[i].data.buffer))).toBe(true),
      )
    }
  })

  it('lays weights out as PyTorch does and adds num_batches_tracked', () => {
    const plan = planModel(
      chain([
        ['in', 'Input', { height: 4, width: 4, channels: 2 }],
        ['conv', 'Conv2D', { filters: 3, kernelSize: 1 }],
        ['bn', 'BatchNorm', { scale: false }],
        ['flat', 'Flatten'],
        ['fc', 'Dense', { units: 2 }],
        ['out', 'Output', { classes: 2 }],
      ]),
    )
    const state = toStateDict(plan, weightsOf(plan))
    expect(state.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['conv.weight', 'F32', [3, 2, 1, 1]],
      ['conv.bias', 'F32', [3]],
      ['bn.weight', 'F32', [3]],
      ['bn.bias', 'F32', [3]],
      ['bn.running_mean', 'F32', [3]],
      ['bn.running_var', 'F32', [3]],
      ['bn.num_batches_tracked', 'I64', []],
      ['fc.weight', 'F32', [2, 48]],
      ['fc.bias', 'F32', [2]],
    ])
    // γ is frozen at 1 (scale off); num_batches_tracked is 0.
    expect([...new Float32Array(state[2].data.buffer)]).toEqual([1, 1, 1])
    expect([...new BigInt64Array(state[6].data.buffer)]).toEqual([0n])
  })

  it('refuses a checkpoint of another graph, naming the tensor', () => {
    const weights = weightsOf(lenet)
    expect(() => toStateDict(lenet, weights.slice(1))).toThrow(
      'The checkpoint holds 9 weight tensors; this graph has 10.',
    )
    const wrong = weights.map((w, i) => (i === 0 ? { ...w, shape: [5, 5, 1, 7] } : w))
    expect(() => toStateDict(lenet, wrong)).toThrow(
      "Checkpoint tensor c1/kernel is [5, 5, 1, 7], the graph's c1/kernel is [5, 5, 1, 6].",
    )
  })

  it('names the missing, unexpected, misshapen or mistyped keys of a state dict', () => {
    const state = toStateDict(lenet, weightsOf(lenet))
    const without = (name: string) => state.filter((t) => t.name !== name)
    expect(() => fromStateDict(lenet, without('c3.bias'))).toThrow('The weights lack c3.bias.')
    expect(() => fromStateDict(lenet, [...state, f32Tensor('extra', [1], Float32Array.of(1))])).toThrow(
      'The weights hold extra, which this model does not have.',
    )
    const reshaped = state.map((t): SafeTensor => (t.name === 'f6.weight' ? { ...t, shape: [120, 84] } : t))
    expect(() => fromStateDict(lenet, reshaped)).toThrow("f6.weight is [120, 84]; this model's is [84, 120].")
    const doubled = state.map((t): SafeTensor =>
      t.name === 'c1.bias' ? { ...t, dtype: 'F64', data: new Uint8Array(new Float64Array(6).buffer) } : t,
    )
    expect(() => fromStateDict(lenet, doubled)).toThrow(
      'c1.bias is F64, expected F32 (save it with .float()).',
    )
  })
})
