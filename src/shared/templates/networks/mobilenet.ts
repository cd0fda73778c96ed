import { GraphBuilder } from '../builder'

/** MobileNet v1 as Keras Applications (alpha 1.0): separable blocks with ReLU6. */
export function mobilenetV1() {
  const b = new GraphBuilder()
  const bn = { epsilon: 1e-3, momentum: 0.99 }
  b.node('input', 'Input', { height: 224, width: 224, channels: 3 })
  b.convBn('conv', { filters: 32, kernelSize: 3, strides: 2, padding: 'same' }, bn, 'relu6')
  const blocks: [number, number][] = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ]
  blocks.forEach(([filters, strides], i) =>
    b.node(`block${i + 1}`, 'SeparableBlock', { filters, strides, ...bn }),
  )
  b.node('avgpool', 'GlobalAvgPool2D')
  b.node('dropout', 'Dropout', { rate: 0.001 })
  b.head(1000)
  return b.build(
    'MobileNet v1',
    'Howard et al. (2017) as Keras Applications defines it (width 1.0): thirteen depthwise-separable blocks with ReLU6; 224×224×3, 1000 classes, 4.2 M parameters.',
  )
}

/** MobileNet v2 as torchvision (width 1.0): inverted residual blocks (t, c, n, s). */
export function mobilenetV2() {
  const b = new GraphBuilder()
  const bn = { epsilon: 1e-5, momentum: 0.9 }
  b.node('input', 'Input', { height: 224, width: 224, channels: 3 })
  b.convBn('conv', { filters: 32, kernelSize: 3, strides: 2, padding: 1 }, bn, 'relu6')
  const settings = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ]
  let k = 0
  for (const [expansion, filters, n, s] of settings)
    for (let i = 0; i < n; i++)
      b.node(`block${++k}`, 'InvertedResidual', { filters, strides: i === 0 ? s : 1, expansion, ...bn })
  b.convBn('conv', { filters: 1280, kernelSize: 1 }, bn, 'relu6')
  b.node('avgpool', 'GlobalAvgPool2D')
  b.node('dropout', 'Dropout', { rate: 0.2 })
  b.head(1000)
  return b.build(
    'MobileNet v2',
    'Sandler et al. (2018) as torchvision defines it (width 1.0): seventeen inverted residual blocks with linear bottlenecks and ReLU6; 224×224×3, 1000 classes, 3.5 M parameters.',
  )
}
