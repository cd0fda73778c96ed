import { GraphBuilder } from '../builder'

/** Krizhevsky et al. 2012 on one device (no grouping), LRN after the first two pooling layers. */
export function alexnet() {
  const b = new GraphBuilder()
  const lrn = { size: 5, alpha: 1e-4, beta: 0.75, k: 2 }
  const pool = { poolSize: 3, strides: 2 }
  b.node('input', 'Input', { height: 227, width: 227, channels: 3 })
  b.node('conv1', 'Conv2D', { filters: 96, kernelSize: 11, strides: 4, activation: 'relu' })
  b.node('pool1', 'MaxPool2D', pool)
  b.node('lrn1', 'LocalResponseNorm', lrn)
  b.node('conv2', 'Conv2D', { filters: 256, kernelSize: 5, padding: 2, activation: 'relu' })
  b.node('pool2', 'MaxPool2D', pool)
  b.node('lrn2', 'LocalResponseNorm', lrn)
  b.node('conv3', 'Conv2D', { filters: 384, kernelSize: 3, padding: 1, activation: 'relu' })
  b.node('conv4', 'Conv2D', { filters: 384, kernelSize: 3, padding: 1, activation: 'relu' })
  b.node('conv5', 'Conv2D', { filters: 256, kernelSize: 3, padding: 1, activation: 'relu' })
  b.node('pool5', 'MaxPool2D', pool)
  b.node('flatten', 'Flatten')
  b.fullyConnected4096()
  b.head(1000)
  return b.build(
    'AlexNet',
    'Krizhevsky et al. (2012) without the two-GPU grouping: 227×227×3, 96 11×11/4 filters first, LRN after the first two pooling layers; 1000 classes, 62.4 M parameters.',
  )
}
