import { z } from 'zod'
import { expect4d } from '../layers/inputs'
import { posInt } from '../layers/params'
import { BLOCK_INPUT, defineBlock } from './define-block'
import { blockStrides, bnParams } from './bn-params'
import { SubgraphBuilder } from './subgraph-builder'

export const invertedResidual = defineBlock({
  kind: 'InvertedResidual',
  palette: {
    label: 'Inverted residual block',
    category: 'block',
    doc: 'MobileNet v2’s block (torchvision): 1×1 expansion to channels × expansion → BN → ReLU6 (left out when expansion is 1), 3×3 depthwise with the stride → BN → ReLU6, 1×1 linear projection → BN; the input is added back only when the stride is 1 and the channels match.',
    summary: (p) => `t${p.expansion} · ${p.filters}${p.strides > 1 ? ` · /${p.strides}` : ''}`,
  },
  params: z.strictObject({
    filters: posInt().default(16).meta({ description: 'Output channels' }),
    strides: blockStrides(),
    expansion: posInt().default(6).meta({ description: 'Expansion factor t of the hidden channels' }),
    ...bnParams(1e-5, 0.9),
  }),
  expand(p, input) {
    const bad = expect4d('Inverted residual block', input)
    if (bad) return { error: bad }
    const bn = { epsilon: p.epsilon, momentum: p.momentum }
    const channels = input[3] as number
    const b = new SubgraphBuilder()
    if (p.expansion !== 1) b.convBn('expand', { filters: channels * p.expansion, kernelSize: 1 }, bn, 'relu6')
    b.convBn(
      'dw',
      { kernelSize: 3, strides: p.strides, padding: 1 },
      bn,
      'relu6',
      undefined,
      'DepthwiseConv2D',
    )
    const projected = b.convBn('project', { filters: p.filters, kernelSize: 1 }, bn, null)
    if (p.strides === 1 && channels === p.filters)
      b.add('add', 'Add', { inputs: 2 }, [projected, BLOCK_INPUT])
    return b.build()
  },
})
