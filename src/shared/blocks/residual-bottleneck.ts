import { z } from 'zod'
import { expect4d } from '../layers/inputs'
import { posInt } from '../layers/params'
import { BLOCK_INPUT, defineBlock } from './define-block'
import { blockStrides, bnParams } from './bn-params'
import { SubgraphBuilder } from './subgraph-builder'

export const residualBottleneck = defineBlock({
  kind: 'ResidualBottleneck',
  palette: {
    label: 'Residual bottleneck block',
    category: 'block',
    doc: 'ResNet-50’s bottleneck block (torchvision v1.5): 1×1 reduce → 3×3 (with the stride) → 1×1 expand to filters × expansion, each with BN, added to the shortcut, then ReLU. A 1×1 projection with BN is added when the stride or the channels change.',
    summary: (p) => `${p.filters}→${p.filters * p.expansion}${p.strides > 1 ? ` · /${p.strides}` : ''}`,
  },
  params: z.strictObject({
    filters: posInt()
      .default(64)
      .meta({ description: 'Width of the bottleneck (the 1×1 and 3×3 convolutions)' }),
    expansion: posInt().default(4).meta({ description: 'Output channels = filters × expansion' }),
    strides: blockStrides(),
    ...bnParams(1e-5, 0.9),
  }),
  expand(p, input) {
    const bad = expect4d('Residual bottleneck block', input)
    if (bad) return { error: bad }
    const bn = { epsilon: p.epsilon, momentum: p.momentum }
    const out = p.filters * p.expansion
    const b = new SubgraphBuilder()
    b.convBn('conv1', { filters: p.filters, kernelSize: 1 }, bn, 'relu')
    b.convBn('conv2', { filters: p.filters, kernelSize: 3, strides: p.strides, padding: 1 }, bn, 'relu')
    const main = b.convBn('conv3', { filters: out, kernelSize: 1 }, bn, null)
    const shortcut =
      p.strides !== 1 || input[3] !== out
        ? b.convBn('proj', { filters: out, kernelSize: 1, strides: p.strides }, bn, null, BLOCK_INPUT)
        : BLOCK_INPUT
    b.add('add', 'Add', { inputs: 2 }, [main, shortcut])
    b.add('out_relu', 'Activation', { fn: 'relu' })
    return b.build()
  },
})
