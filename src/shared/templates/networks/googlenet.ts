import { GraphBuilder } from '../builder'

/** [c1x1, c3x3Reduce, c3x3, c5x5Reduce, c5x5, poolProj] of each Inception module (Szegedy et al., table 1). */
const MODULES: Record<string, number[]> = {
  '3a': [64, 96, 128, 16, 32, 32],
  '3b': [128, 128, 192, 32, 96, 64],
  '4a': [192, 96, 208, 16, 48, 64],
  '4b': [160, 112, 224, 24, 64, 64],
  '4c': [128, 128, 256, 24, 64, 64],
  '4d': [112, 144, 288, 32, 64, 64],
  '4e': [256, 160, 320, 32, 128, 128],
  '5a': [256, 160, 320, 32, 128, 128],
  '5b': [384, 192, 384, 48, 128, 128],
}

/** GoogLeNet (Inception v1) with BatchNorm after every convolution, no auxiliary classifiers. */
export function googlenet() {
  const b = new GraphBuilder()
  const bn = { epsilon: 1e-3, momentum: 0.9 }
  const inception = (name: string) => {
    const [c1x1, c3x3Reduce, c3x3, c5x5Reduce, c5x5, poolProj] = MODULES[name]
    b.node(`inception${name}`, 'Inception', {
      c1x1,
      c3x3Reduce,
      c3x3,
      c5x5Reduce,
      c5x5,
      poolProj,
      batchNorm: true,
      epsilon: 1e-3,
    })
  }
  const pool = (id: string, poolSize = 3) => b.node(id, 'MaxPool2D', { poolSize, strides: 2, ceilMode: true })
  b.node('input', 'Input', { height: 224, width: 224, channels: 3 })
  b.convBn('conv', { filters: 64, kernelSize: 7, strides: 2, padding: 3 }, bn)
  pool('pool1')
  b.convBn('conv', { filters: 64, kernelSize: 1 }, bn)
  b.convBn('conv', { filters: 192, kernelSize: 3, padding: 1 }, bn)
  pool('pool2')
  inception('3a')
  inception('3b')
  pool('pool3')
  for (const m of ['4a', '4b', '4c', '4d', '4e']) inception(m)
  pool('pool4', 2)
  inception('5a')
  inception('5b')
  b.node('avgpool', 'GlobalAvgPool2D')
  b.node('dropout', 'Dropout', { rate: 0.4 })
  b.head(1000)
  return b.build(
    'GoogLeNet',
    'Szegedy et al. (2014), Inception v1 with real 5×5 branches, BatchNorm after every convolution (as torchvision) and no auxiliary classifiers; 224×224×3, 1000 classes, 7.0 M parameters.',
  )
}
