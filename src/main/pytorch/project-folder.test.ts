import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import { getTemplate } from '../../shared/templates'
import { APP_VERSION } from '../app-version'
import { FASHION_MNIST_CLASSES } from '../datasets/mnist'
import { mulberry32 } from '../datasets/random'
import type { NamedArray } from '../model/checkpoint'
import { tfjsWeightOrder } from '../model/weight-order'
import type { TorchConfig } from './config'
import { planModel, type ModelPlan } from './model-plan'
import { modelPy } from './model-py'
import { TORCH_FILES, torchProjectFiles, type TorchProjectFile } from './project-folder'
import { pythonFile } from './python-files'
import { asFloat32, decodeSafetensors } from './safetensors'
import { toStateDict } from './state-dict'

/** Random weights in TF.js order, as a checkpoint holds them (no TF.js needed). */
function weightsOf(plan: ModelPlan): NamedArray[] {
  const random = mulberry32(3)
  return tfjsWeightOrder(plan.graph).map((w) => ({
    name: w.name,
    dtype: 'float32',
    shape: w.shape,
    data: Float32Array.from({ length: w.shape.reduce((a, b) => a * b, 1) }, () => random() - 0.5),
  }))
}

const FASHION = FASHION_MNIST_CLASSES
const lenet = getTemplate('lenet5-mnist')!.document
const text = (files: TorchProjectFile[], name: string) => files.find((f) => f.name === name)!.data as string

describe('the PyTorch folder', () => {
  const plan = planModel(lenet, { projectName: 'My LeNet', classes: FASHION })
  const weights = weightsOf(plan)
  const files = torchProjectFiles({
    source: lenet,
    projectName: 'My LeNet',
    classes: FASHION,
    weights,
    config: {
      dataset: { kind: 'idx', path: '/usr/share/datasets/fashion-mnist', name: 'Fashion-MNIST' },
      hyperparameters: { epochs: 3, learningRate: 0.01, normalize: 'standardize' },
      normalization: { mean: [0.2860405969887955], std: [0.35302424451492237] },
    },
    provenance: 'run r1, best epoch 3',
  })

  it('holds the six files, model.py last (the one a writer renames into place last)', () => {
    expect(files.map((f) => f.name)).toEqual([...TORCH_FILES])
    expect(files.at(-1)!.name).toBe('model.py')
    expect(text(files, 'model.py')).toBe(modelPy(plan))
    for (const name of ['train.py', 'safetensors_io.py'] as const)
      expect(text(files, name)).toBe(readFileSync(pythonFile(name), 'utf8'))
  })

  it('writes the state dict with format pt and where the weights come from', () => {
    const file = decodeSafetensors(files.find((f) => f.name === 'weights.safetensors')!.data as Uint8Array)
    expect(file.metadata).toEqual({
      format: 'pt',
      'cnn_studio.project': 'My LeNet',
      'cnn_studio.weights': 'run r1, best epoch 3',
      'cnn_studio.version': APP_VERSION,
    })
    const expected = toStateDict(plan, weights)
    expect(file.tensors.map((t) => [t.name, t.shape])).toEqual(expected.map((t) => [t.name, t.shape]))
    file.tensors.forEach((t, i) =>
      expect(Buffer.from(asFloat32(t).buffer).equals(Buffer.from(expected[i].data))).toBe(true),
    )
  })

  it("writes config.json for train.py: the class, input, classes, dataset, every hyperparameter, the run's statistics", () => {
    const config = JSON.parse(text(files, 'config.json')) as TorchConfig
    expect(config).toMatchObject({
      format: 'cnn-studio/pytorch@1',
      model: plan.className,
      input: { height: 28, width: 28, channels: 1 },
      classes: FASHION,
      dataset: { kind: 'idx', path: '/usr/share/datasets/fashion-mnist', name: 'Fashion-MNIST' },
      normalization: { mean: [0.2860405969887955], std: [0.35302424451492237] },
    })
    expect(config.hyperparameters).toMatchObject({ epochs: 3, learningRate: 0.01, batchSize: 64, seed: 1 })
    expect(Object.keys(config.hyperparameters)).toHaveLength(19)
  })

  it('says in README.md how to load, preprocess, train, what the classes are and how the weights map', () => {
    const readme = text(files, 'README.md')
    expect(readme).toMatch(/^# My LeNet in PyTorch\n/)
    expect(readme).toContain('Weights: run r1, best epoch 3.')
    expect(readme).toContain('model.load_state_dict(load_file("weights.safetensors"))')
    expect(readme).toContain('MEAN = torch.tensor([0.2860405969887955])')
    expect(readme).toContain('STD = torch.tensor([0.35302424451492237])')
    expect(readme).toContain('pixels 0–255 divided by 255, then per channel minus the mean')
    expect(readme).toContain('0. T-shirt/top\n1. Trouser')
    expect(readme).toContain('9. Ankle boot')
    for (const line of [
      'python3 train.py ',
      'python3 train.py --device cuda',
      'torchrun --nproc_per_node N train.py',
      'python3 train.py --json',
    ])
      expect(readme).toContain(line)
    expect(readme).toContain('trains on Fashion-MNIST (`idx`) at `/usr/share/datasets/fashion-mnist`')
    expect(readme).toContain('PyTorch 1.13 or later, nothing else')
    expect(readme).toContain('Pillow or torchvision only')
    expect(readme).toContain('`x.permute(0, 2, 3, 1)` before `torch.flatten`')
    expect(readme).toContain(
      '| Conv2D kernel | [kh, kw, in, out] (HWIO) | `weight` [out, in, kh, kw] (OIHW) |',
    )
    expect(readme).toContain('`Linear.weight` [out, in] (transposed)')
    expect(readme).toContain('{"type":"epoch"')
  })

  it('without a run: default hyperparameters, no dataset or classes, pixels ÷ 255; no weights file when there are none', () => {
    const doc = chain([
      ['in', 'Input', { height: 8, width: 8, channels: 3 }],
      ['conv', 'Conv2D', { filters: 4, kernelSize: 3 }],
      ['gap', 'GlobalAvgPool2D'],
      ['fc', 'Dense', { units: 5 }],
      ['out', 'Output', { classes: 5 }],
    ])
    const bare = torchProjectFiles({
      source: doc,
      projectName: 'tiny',
      classes: null,
      weights: null,
      config: { dataset: null, hyperparameters: {} },
      provenance: 'untrained, seed 1',
    })
    expect(bare.map((f) => f.name)).toEqual(TORCH_FILES.filter((n) => n !== 'weights.safetensors'))
    const config = JSON.parse(text(bare, 'config.json')) as TorchConfig
    expect(config).toMatchObject({ classes: null, dataset: null, normalization: null })
    expect(config.hyperparameters).toMatchObject({ epochs: 10, optimizer: 'adam', normalize: 'unit' })
    const readme = text(bare, 'README.md')
    expect(readme).toContain('no per-channel standardisation')
    expect(readme).toContain('MEAN = torch.tensor([0.0, 0.0, 0.0])')
    expect(readme).toContain('No dataset is set')
    expect(readme).toContain('--data PATH --dataset-kind')
    expect(readme).toContain('numbered 0 to 4')
    expect(readme).toContain('This network flattens no feature map')
    expect(readme).not.toContain('weights.safetensors` |')
  })

  it('takes a plan as well as a document', () => {
    const again = torchProjectFiles({
      source: plan,
      classes: null, // the plan's own are used
      weights,
      config: { dataset: null, hyperparameters: {} },
      provenance: 'x',
    })
    expect(text(again, 'model.py')).toBe(text(files, 'model.py'))
    expect((JSON.parse(text(again, 'config.json')) as TorchConfig).classes).toEqual(FASHION)
  })
})
