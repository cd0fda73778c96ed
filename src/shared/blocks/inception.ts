import { z } from 'zod'
import { expect4d } from '../layers/inputs'
import { posInt } from '../layers/params'
import { BLOCK_INPUT, defineBlock } from './define-block'
import { SubgraphBuilder } from './subgraph-builder'

const width = (value: number, description: string) => posInt().default(value).meta({ description })

export const inception = defineBlock({
  kind: 'Inception',
  palette: {
    label: 'Inception module',
    category: 'block',
    doc: 'GoogLeNet’s Inception module: four parallel branches (1×1; 1×1 reduce → 3×3; 1×1 reduce → 5×5; 3×3 max pool → 1×1 projection) concatenated along channels. With batchNorm, every conv is conv (no bias) → BN → ReLU.',
    summary: (p) => `${p.c1x1} · ${p.c3x3Reduce}→${p.c3x3} · ${p.c5x5Reduce}→${p.c5x5} · ${p.poolProj}`,
  },
  params: z.strictObject({
    c1x1: width(64, '1×1 branch channels'),
    c3x3Reduce: width(96, '1×1 reduction before the 3×3'),
    c3x3: width(128, '3×3 branch channels'),
    c5x5Reduce: width(16, '1×1 reduction before the 5×5'),
    c5x5: width(32, '5×5 branch channels'),
    poolProj: width(32, '1×1 projection after the 3×3 max pool'),
    batchNorm: z.boolean().default(true).meta({ description: 'BatchNorm after every convolution' }),
    epsilon: z.number().gt(0).default(0.001).meta({ description: 'BatchNorm epsilon' }),
  }),
  expand(p, input) {
    const bad = expect4d('Inception module', input)
    if (bad) return { error: bad }
    const b = new SubgraphBuilder()
    const conv = (id: string, filters: number, k: number, from: string) =>
      p.batchNorm
        ? b.convBn(
            id,
            { filters, kernelSize: k, padding: 'same' },
            { epsilon: p.epsilon, momentum: 0.9 },
            'relu',
            from,
          )
        : b.add(id, 'Conv2D', { filters, kernelSize: k, padding: 'same', activation: 'relu' }, [from])
    const b1 = conv('b1', p.c1x1, 1, BLOCK_INPUT)
    const b2 = conv('b2', p.c3x3, 3, conv('b2_reduce', p.c3x3Reduce, 1, BLOCK_INPUT))
    const b3 = conv('b3', p.c5x5, 5, conv('b3_reduce', p.c5x5Reduce, 1, BLOCK_INPUT))
    b.add('b4_pool', 'MaxPool2D', { poolSize: 3, strides: 1, padding: 'same' }, [BLOCK_INPUT])
    const b4 = conv('b4', p.poolProj, 1, 'b4_pool')
    b.add('concat', 'Concat', { inputs: 4 }, [b1, b2, b3, b4])
    return b.build()
  },
})
