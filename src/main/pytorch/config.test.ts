import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hyperparametersSchema } from '../../shared/api/training'
import { datasetFolder } from '../datasets/catalog'
import { DatasetFileError } from '../datasets/idx'
import { cifarFiles, writeMnist } from '../datasets/test-kit'
import { TORCH_CONFIG_FORMAT, torchConfig, TorchConfigError, torchDataset } from './config'

const made: string[] = []
const dataDir = () => {
  made.push(mkdtempSync(path.join(os.tmpdir(), 'cnn-studio-torch-config-')))
  return made.at(-1)!
}
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('torchDataset', () => {
  it('points train.py at a built-in where the app reads it', () => {
    const data = dataDir()
    writeMnist(datasetFolder('mnist', data), { train: [1, 2], test: [3] }, { gzip: true })
    expect(torchDataset({ builtin: 'mnist' }, data)).toEqual({
      kind: 'idx',
      path: datasetFolder('mnist', data),
      name: 'MNIST',
    })
    const cifar = path.join(datasetFolder('cifar10', data), 'cifar-10-batches-bin')
    mkdirSync(cifar, { recursive: true })
    for (const f of cifarFiles()) writeFileSync(path.join(cifar, f.path), f.bytes)
    expect(torchDataset({ builtin: 'cifar10' }, data)).toEqual({
      kind: 'cifar10',
      path: cifar,
      name: 'CIFAR-10',
    })
  })

  it('says how to get a built-in that is not here', () => {
    expect(() => torchDataset({ builtin: 'cifar10' }, dataDir())).toThrow(DatasetFileError)
    expect(() => torchDataset({ builtin: 'cifar10' }, dataDir())).toThrow(/CIFAR-10 is not on this machine/)
  })

  it('takes an image folder by its absolute path and name', () => {
    expect(torchDataset({ folder: 'pets/' }, dataDir())).toEqual({
      kind: 'folder',
      path: path.resolve('pets'),
      name: 'pets',
    })
  })
})

describe('torchConfig', () => {
  const base = {
    model: 'LeNet5',
    input: { height: 28, width: 28, channels: 1 },
    classes: ['a', 'b'],
    dataset: { kind: 'idx' as const, path: '/data/mnist', name: 'MNIST' },
    hyperparameters: { epochs: 3 },
  }

  it('writes every hyperparameter, the schema’s defaults where none is given', () => {
    expect(torchConfig(base)).toEqual({
      format: TORCH_CONFIG_FORMAT,
      ...base,
      hyperparameters: hyperparametersSchema.parse({ epochs: 3 }),
      normalization: null,
    })
  })

  it('refuses what train.py could not use, saying what is wrong', () => {
    expect(() => torchConfig({ ...base, model: '3D-net' })).toThrow(TorchConfigError)
    expect(() => torchConfig({ ...base, model: '3D-net' })).toThrow("'3D-net' is not a Python class name")
    expect(() => torchConfig({ ...base, input: { height: 0, width: 28, channels: 1 } })).toThrow(
      /whole positive/,
    )
    expect(() => torchConfig({ ...base, dataset: { ...base.dataset, path: 'data' } })).toThrow(
      /must be absolute/,
    )
    expect(() => torchConfig({ ...base, hyperparameters: { epochs: 0 } })).toThrow()
  })
})
