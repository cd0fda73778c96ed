import { z } from 'zod'
import { expect4d } from '../layers/inputs'
import { posInt } from '../layers/params'
import { BLOCK_INPUT, defineBlock } from './define-block'
import { blockStrides, bnParams } from './bn-params'
import { SubgraphBuilder } from './subgraph-builder'

export const residualBasic = defineBlock({
  kind: 'ResidualBasic',
  palette: {
    label: 'Residual basic block',
    category: 'block',
    doc: 'ResNet-18/34’s basic block (torchvision): 3×3 conv → BN → ReLU → 3×3 conv → BN, added to the shortcut, then ReLU. The stride is on the first conv; a 1×1 projection with BN replaces the identity shortcut when the stride or the channels change.',
    summary: (p) => `${p.filters}${p.strides > 1 ? ` · /${p.strides}` : ''}`,
  },
  params: z.strictObject({
    filters: posInt().default(64).meta({ description: 'Output channels of both 3×3 convolutions' }),
    strides: blockStrides(),
    ...bnParams(1e-5, 0.9),
  }),
  expand(p, input) {
    const bad = expect4d('Residual basic block', input)
    if (bad) return { error: bad }
    const bn = { epsilon: p.epsilon, momentum: p.momentum }
    const b = new SubgraphBuilder()
    b.convBn('conv1', { filters: p.filters, kernelSize: 3, strides: p.strides, padding: 1 }, bn, 'relu')
    const main = b.convBn('conv2', { filters: p.filters, kernelSize: 3, padding: 1 }, bn, null)
    const shortcut =
      p.strides !== 1 || input[3] !== p.filters
        ? b.convBn('proj', { filters: p.filters, kernelSize: 1, strides: p.strides }, bn, null, BLOCK_INPUT)
        : BLOCK_INPUT
    b.add('add', 'Add', { inputs: 2 }, [main, shortcut])
    b.add('out_relu', 'Activation', { fn: 'relu' })
    return b.build()
  },
})
