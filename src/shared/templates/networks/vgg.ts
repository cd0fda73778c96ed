import { GraphBuilder } from '../builder'

/** Simonyan & Zisserman 2014, configuration D. */
export function vgg16() {
  const b = new GraphBuilder()
  b.node('input', 'Input', { height: 224, width: 224, channels: 3 })
  ;[
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ].forEach(([filters, convs], stage) => {
    for (let i = 1; i <= convs; i++)
      b.node(`conv${stage + 1}_${i}`, 'Conv2D', {
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      })
    b.node(`pool${stage + 1}`, 'MaxPool2D', { poolSize: 2, strides: 2 })
  })
  b.node('flatten', 'Flatten')
  b.fullyConnected4096()
  b.head(1000)
  return b.build(
    'VGG-16',
    'Simonyan & Zisserman (2014), configuration D: thirteen 3×3 convolutions in five stages, 224×224×3; 1000 classes, 138.4 M parameters.',
  )
}

/** A small VGG for 32×32 images that trains in minutes on a CPU. */
export function vggCifar() {
  const b = new GraphBuilder()
  const bn = { epsilon: 1e-3, momentum: 0.99 }
  b.node('input', 'Input', { height: 32, width: 32, channels: 3 })
  ;[32, 64, 128].forEach((filters, stage) => {
    b.convBn('conv', { filters, kernelSize: 3, padding: 'same' }, bn)
    b.convBn('conv', { filters, kernelSize: 3, padding: 'same' }, bn)
    b.node(`pool${stage + 1}`, 'MaxPool2D', { poolSize: 2, strides: 2 })
  })
  b.node('flatten', 'Flatten')
  b.node('fc1', 'Dense', { units: 128, activation: 'relu' })
  b.node('drop1', 'Dropout', { rate: 0.5 })
  b.head(10)
  return b.build(
    'VGG (CIFAR-10)',
    'A small VGG for 32×32×3 images: three stages of two 3×3 convolutions with BatchNorm (32, 64, 128 filters), then a 128-unit classifier; 10 classes, 0.55 M parameters.',
  )
}
