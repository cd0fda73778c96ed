// TEMPORARY-SKELETON-STUB: stands in for src/shared/templates until its owner writes it. Delete me.
import { chain } from '../graph/test-doc'

export const TEMPLATES = [
  {
    name: 'lenet5',
    title: 'LeNet-5',
    description: 'Stub.',
    document: chain([
      ['in', 'Input', { height: 32, width: 32, channels: 1 }],
      ['c1', 'Conv2D', { filters: 6, kernelSize: 5, activation: 'tanh' }],
      ['p1', 'AvgPool2D', { poolSize: 2 }],
      ['f', 'Flatten', {}],
      ['d', 'Dense', { units: 10 }],
    ]),
  },
]
