import { describe, expect, it } from 'vitest'
import type { DatasetInfo } from '../../shared/api/training'
import { defaultChoice, mismatchOf, refOf, shapeOf } from './dataset-fit'

const info = (over: Partial<DatasetInfo>): DatasetInfo => ({
  id: 'mnist',
  name: 'MNIST',
  classes: [...'0123456789'],
  location: '/d',
  downloadable: true,
  trainSamples: 10,
  testSamples: 2,
  image: { height: 28, width: 28, channels: 1 },
  ...over,
})

describe('mismatchOf', () => {
  it('checks only what the graph says', () => {
    const cifar = {
      name: 'CIFAR-10',
      image: { height: 32, width: 32, channels: 3 },
      classes: 10,
      resizable: false,
    }
    expect(mismatchOf({ input: null, classes: 10 }, cifar)).toEqual([])
    expect(mismatchOf({ input: { height: 32, width: 32, channels: 1 }, classes: null }, cifar)).toEqual([
      "CIFAR-10 has 3 channels (RGB) but the Input node takes 1. Set the Input's channels to 3.",
    ])
  })
})

describe('dataset refs', () => {
  it('asks for built-ins by id and folders by path', () => {
    expect(refOf(info({}))).toEqual({ builtin: 'mnist' })
    expect(refOf(info({ id: 'folder-1', location: '/data/flowers' }))).toEqual({ folder: '/data/flowers' })
    expect(refOf(info({ id: 'folder-1', location: null }))).toBeNull()
    expect(shapeOf(info({ id: 'f', location: '/f' }))!.resizable).toBe(true)
    expect(shapeOf(info({ image: null }))).toBeNull()
  })

  it('offers first a dataset here that fits the graph', () => {
    const list = [
      info({ id: 'cifar10', name: 'CIFAR-10', image: { height: 32, width: 32, channels: 3 } }),
      info({ id: 'fashion-mnist', location: null }),
      info({}),
    ]
    const io = { input: { height: 28, width: 28, channels: 1 }, classes: 10 }
    expect(defaultChoice(list, io)!.ref).toEqual({ builtin: 'mnist' })
    expect(defaultChoice(list.slice(0, 2), io)!.ref).toEqual({ builtin: 'cifar10' })
    expect(defaultChoice([list[1]], io)).toBeNull()
  })
})
