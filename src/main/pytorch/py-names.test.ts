import { describe, expect, it } from 'vitest'
import { MODULE_ATTRIBUTES, pyClassName, pyIdentifier, uniqueNamer } from './py-names'

describe('pyClassName', () => {
  it.each([
    ['LeNet-5 (MNIST)', 'LeNet5MNIST'],
    ['ResNet-18', 'ResNet18'],
    ['my first net', 'MyFirstNet'],
    ['Réseau à trous', 'ReseauATrous'],
    ['3-layer CNN', 'Model3LayerCNN'],
    ['None', 'NoneModel'],
    ['', 'Model'],
    ['---', 'Model'],
  ])('%j → %s', (name, cls) => expect(pyClassName(name)).toBe(cls))
})

describe('pyIdentifier', () => {
  it.each([
    ['conv1', 'conv1'],
    ['layer1_0/conv1', 'layer1_0_conv1'],
    ['2nd layer', 'layer_2nd_layer'],
    ['_modules', 'layer_modules'],
    ['in', 'in_'],
    ['class', 'class_'],
    ['café', 'cafe'],
    ['', 'layer'],
  ])('%j → %s', (raw, name) => expect(pyIdentifier(raw)).toBe(name))

  it('keeps clear of nn.Module attributes when asked', () => {
    expect(pyIdentifier('float', MODULE_ATTRIBUTES)).toBe('float_')
    expect(pyIdentifier('training', MODULE_ATTRIBUTES)).toBe('training_')
    expect(pyIdentifier('forward', MODULE_ATTRIBUTES)).toBe('forward_')
    expect(pyIdentifier('conv', MODULE_ATTRIBUTES)).toBe('conv')
  })
})

describe('uniqueNamer', () => {
  it('numbers names that clean up alike', () => {
    const name = uniqueNamer()
    expect(['a b', 'a_b', 'a-b', 'c'].map(name)).toEqual(['a_b', 'a_b_2', 'a_b_3', 'c'])
  })
})
