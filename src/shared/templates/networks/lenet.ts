import { GraphBuilder } from '../builder'

/** LeCun et al. 1998, with full C3 connections: 61,706 parameters. */
export function lenet5() {
  const b = new GraphBuilder()
  b.node('input', 'Input', { height: 32, width: 32, channels: 1 })
  b.node('c1', 'Conv2D', { filters: 6, kernelSize: 5, activation: 'tanh' })
  b.node('s2', 'AvgPool2D', { poolSize: 2, strides: 2 })
  b.node('c3', 'Conv2D', { filters: 16, kernelSize: 5, activation: 'tanh' })
  b.node('s4', 'AvgPool2D', { poolSize: 2, strides: 2 })
  b.node('c5', 'Conv2D', { filters: 120, kernelSize: 5, activation: 'tanh' })
  b.node('flatten', 'Flatten')
  b.node('f6', 'Dense', { units: 84, activation: 'tanh' })
  b.head(10)
  return b.build(
    'LeNet-5',
    'LeCun et al. (1998): 32×32 grayscale digits, tanh, average pooling and C5 as a 5×5 convolution; 10 classes, 61,706 parameters.',
  )
}

/** The usual modern variant for 28×28 MNIST: ReLU, max pooling, padding 2 on the first conv. */
export function lenet5Mnist() {
  const b = new GraphBuilder()
  b.node('input', 'Input', { height: 28, width: 28, channels: 1 })
  b.node('conv1', 'Conv2D', { filters: 6, kernelSize: 5, padding: 2, activation: 'relu' })
  b.node('pool1', 'MaxPool2D', { poolSize: 2, strides: 2 })
  b.node('conv2', 'Conv2D', { filters: 16, kernelSize: 5, activation: 'relu' })
  b.node('pool2', 'MaxPool2D', { poolSize: 2, strides: 2 })
  b.node('flatten', 'Flatten')
  b.node('fc1', 'Dense', { units: 120, activation: 'relu' })
  b.node('fc2', 'Dense', { units: 84, activation: 'relu' })
  b.head(10)
  return b.build(
    'LeNet-5 (MNIST)',
    'LeNet-5 for 28×28 MNIST and Fashion-MNIST: ReLU, max pooling and padding 2 on the first convolution; 10 classes, 61,706 parameters.',
  )
}
