import { z } from 'zod'
import { expect4d } from '../layers/inputs'
import { posInt } from '../layers/params'
import { defineBlock } from './define-block'
import { blockStrides, bnParams } from './bn-params'
import { SubgraphBuilder } from './subgraph-builder'

export const separableBlock = defineBlock({
  kind: 'SeparableBlock',
  palette: {
    label: 'Depthwise separable block',
    category: 'block',
    doc: 'MobileNet v1’s block (Keras Applications): 3×3 depthwise conv (with the stride, padding same) → BN → ReLU6 → 1×1 pointwise conv → BN → ReLU6.',
    summary: (p) => `${p.filters}${p.strides > 1 ? ` · /${p.strides}` : ''}`,
  },
  params: z.strictObject({
    filters: posInt().default(64).meta({ description: 'Output channels of the pointwise convolution' }),
    strides: blockStrides(),
    activation: z.enum(['relu6', 'relu']).default('relu6').meta({ description: 'Activation after each BN' }),
    ...bnParams(0.001, 0.99),
  }),
  expand(p, input) {
    const bad = expect4d('Depthwise separable block', input)
    if (bad) return { error: bad }
    const bn = { epsilon: p.epsilon, momentum: p.momentum }
    const b = new SubgraphBuilder()
    b.convBn(
      'dw',
      { kernelSize: 3, strides: p.strides, padding: 'same' },
      bn,
      p.activation,
      undefined,
      'DepthwiseConv2D',
    )
    b.convBn('pw', { filters: p.filters, kernelSize: 1 }, bn, p.activation)
    return b.build()
  },
})
