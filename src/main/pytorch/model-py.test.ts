import { describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import { getTemplate } from '../../shared/templates'
import { everyBlock } from '../../../test/fixtures/every-block'
import { everyKind } from '../../../test/fixtures/every-kind'
import { planModel } from './model-plan'
import { modelPy } from './model-py'
import { MODULE_ATTRIBUTES } from './py-names'
import { deadBranch } from '../../../test/fixtures/dead-branch'

const classesOf = (source: string) => [...source.matchAll(/^class (\w+)\(/gm)].map((m) => m[1])

describe('model.py', () => {
  it('names the class after the project and lists the class names', () => {
    const source = modelPy(getTemplate('lenet5-mnist')!.document, {
      projectName: 'LeNet-5 (MNIST)',
      classes: ['T-shirt/top', 'say "hi"', 'back\\slash'],
    })
    expect(classesOf(source)).toEqual(['LeNet5MNIST'])
    expect(source).toContain('CLASSES = ["T-shirt/top", "say \\"hi\\"", "back\\\\slash"]\n')
    expect(source).toContain('INPUT_SHAPE = (1, 28, 28)  # channels, height, width\n')
    expect(source).toMatch(/\ndef build_model\(\) -> nn\.Module:\n.*\n {4}return LeNet5MNIST\(\)\n$/)
  })

  it('writes a long class list one name per line', () => {
    const classes = Array.from({ length: 40 }, (_, i) => `class ${i}`)
    const source = modelPy(getTemplate('lenet5')!.document, { classes: classes.slice(0, 10) })
    expect(source).toContain('CLASSES = [\n    "class 0",\n')
  })

  it('imports torch.nn.functional only when the code uses it', () => {
    expect(modelPy(getTemplate('resnet18')!.document)).not.toContain('import torch.nn.functional')
    expect(modelPy(getTemplate('mobilenet-v1')!.document)).toContain('import torch.nn.functional as F\n')
  })

  it('escapes what would end a docstring', () => {
    const doc = { ...getTemplate('lenet5')!.document, description: 'Ends """ here \\ too' }
    expect(modelPy(doc)).toContain('Ends \\"\\"\\" here \\\\ too')
  })

  it('leaves out layers the Output does not depend on, as TF.js does', () => {
    const doc = deadBranch
    const source = modelPy(doc)
    expect(source).not.toContain('dead')
    expect(planModel(doc).state.map((e) => e.key)).toEqual(['head.weight', 'head.bias'])
  })

  it('gives submodules identifiers that shadow nothing of nn.Module', () => {
    const doc = chain([
      ['in', 'Input', { height: 4, width: 4, channels: 1 }],
      ['float', 'Conv2D', { filters: 2, kernelSize: 1 }],
      ['train', 'BatchNorm'],
      ['2 relu', 'Activation'],
      ['flat', 'Flatten'],
      ['class', 'Dense', { units: 2 }],
      ['out', 'Output', { classes: 2 }],
    ])
    const attrs = [...modelPy(doc).matchAll(/self\.(\w+) = /g)].map((m) => m[1])
    expect(attrs).toEqual(['float_', 'train_', 'layer_2_relu', 'class_'])
    for (const a of attrs) expect(MODULE_ATTRIBUTES.has(a)).toBe(false)
  })

  it('writes one class per block kind and structure, named for what sets it apart', () => {
    expect(classesOf(modelPy(everyBlock))).toEqual([
      'SeparableBlock',
      'SeparableBlockRelu',
      'BasicBlock',
      'BasicBlockWithProj',
      'Bottleneck',
      'InvertedResidualWithAdd',
      'InvertedResidualWithExpandAndAdd',
      'InvertedResidualWithExpand',
      'Inception',
      'InceptionNoBatchNorm',
      'Test',
    ])
    expect(classesOf(modelPy(getTemplate('mobilenet-v1')!.document))).toEqual([
      'SeparableBlock',
      'SeparableBlockStrides2',
      'MobileNetV1',
    ])
    expect(classesOf(modelPy(everyKind))).toEqual(['SeparableConv2d', 'Test'])
  })

  it('gives instances a class of their own when a number no parameter explains differs', () => {
    const doc = chain([
      ['in', 'Input', { height: 8, width: 8, channels: 4 }],
      ['a', 'ResidualBasic', { filters: 4 }],
      ['b', 'ResidualBasic', { filters: 4, epsilon: 0.001 }],
      ['c', 'ResidualBasic', { filters: 4 }],
      ['gap', 'GlobalAvgPool2D'],
      ['head', 'Dense', { units: 2 }],
      ['out', 'Output', { classes: 2 }],
    ])
    const source = modelPy(doc)
    expect(classesOf(source)).toEqual(['BasicBlock', 'BasicBlockEpsilon0_001', 'Test'])
    expect(source).toContain('        self.b = BasicBlockEpsilon0_001(4, 4)\n')
    expect(source).toContain('        self.conv1_bn = nn.BatchNorm2d(filters, eps=0.001)\n')
  })

  it('passes each instance the parameters its class takes', () => {
    const source = modelPy(getTemplate('resnet50')!.document)
    expect(source).toContain('        self.layer1_0 = BottleneckWithProj(64, 64)\n')
    expect(source).toContain('        self.layer2_0 = BottleneckWithProj(256, 128, stride=2)\n')
    expect(source).toContain('        self.layer2_1 = Bottleneck(512, 128)\n')
    // torchvision's expansion of 4 is the default: the width written once in __init__.
    expect(source).toContain('        out_channels = filters * 4\n')
    const v2 = modelPy(getTemplate('mobilenet-v2')!.document)
    expect(v2).toContain('        hidden = in_channels * 6\n')
    expect(v2).toContain('        self.block2 = InvertedResidualWithExpand(16, 24, stride=2)\n')
  })

  it("keeps __init__'s lines within 99 characters", () => {
    for (const doc of [
      everyBlock,
      everyKind,
      getTemplate('googlenet')!.document,
      getTemplate('mobilenet-v2')!.document,
    ]) {
      const init = modelPy(doc)
        .split('\n')
        .filter((l) => l.startsWith('        self.') || l.startsWith('    def '))
      for (const l of init) expect(l.length, l).toBeLessThanOrEqual(99)
    }
  })
})
