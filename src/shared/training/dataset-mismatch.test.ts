import { describe, expect, it } from 'vitest'
import { datasetMismatch } from './dataset-mismatch'

const lenet = { input: { height: 28, width: 28, channels: 1 }, classes: 10 }
const cifar = {
  name: 'CIFAR-10',
  image: { height: 32, width: 32, channels: 3 },
  classes: 10,
  resizable: false,
}

describe('datasetMismatch', () => {
  it('accepts a dataset that fits', () => {
    expect(
      datasetMismatch(lenet, { ...cifar, name: 'MNIST', image: { height: 28, width: 28, channels: 1 } }),
    ).toEqual([])
  })

  it('names channels, size and classes with the fix', () => {
    expect(datasetMismatch({ ...lenet, classes: 100 }, cifar)).toEqual([
      "CIFAR-10 has 3 channels (RGB) but the Input node takes 1. Set the Input's channels to 3.",
      'CIFAR-10 images are 32×32 but the Input node takes 28×28. Set the Input to 32×32.',
      "CIFAR-10 has 10 classes but the Output node predicts 100. Set the Output's classes (and the Dense before it) to 10.",
    ])
  })

  it('image folders are resized and converted, so only the classes must agree', () => {
    expect(datasetMismatch(lenet, { ...cifar, name: 'flowers', classes: 5, resizable: true })).toEqual([
      "flowers has 5 classes but the Output node predicts 10. Set the Output's classes (and the Dense before it) to 5.",
    ])
  })
})
